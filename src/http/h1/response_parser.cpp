// ResponseParser hooks: status-line (RFC 9112 §4) and response framing (§6.3).
#include "http/h1/response_parser.hpp"

namespace layer7::http::h1 {

void ResponseParser::reset_message()
{
    response_.status = Status::ok;
    response_.reason.clear();
    response_.version = {};
    response_.fields.clear();
}

MaybeError ResponseParser::on_start_line(std::string_view line)
{
    return parse_status_line(line, response_);
}

MaybeError ResponseParser::on_head(Framing& framing)
{
    Method method;
    if (!methods_.empty())
        method = methods_.front();
    // RFC 9110 §15.2: interim responses precede the final one to the same request.
    bool interim = is_informational(response_.status) && response_.status != Status::switching_protocols;
    if (!interim && !methods_.empty())
        methods_.pop_front();
    return response_framing(response_, method, framing);
}

}  // namespace layer7::http::h1
