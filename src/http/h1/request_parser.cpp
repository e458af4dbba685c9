// RequestParser hooks: request-line (RFC 9112 §3) and request framing (§6.3).
#include "http/h1/request_parser.hpp"

namespace layer7::http::h1 {

void RequestParser::reset_message()
{
    // clear() rather than assignment keeps the capacity: no allocation per request in steady state.
    request_.method = Method();
    request_.target.clear();
    request_.version = {};
    request_.fields.clear();
}

MaybeError RequestParser::on_start_line(std::string_view line)
{
    return parse_request_line(line, request_);
}

MaybeError RequestParser::on_head(Framing& framing)
{
    return request_framing(request_, framing);
}

}  // namespace layer7::http::h1
