// Helpers of the HTTP application interface: see handler.hpp.
#include "http/server/handler.hpp"

namespace layer7::http {

core::awaitable<std::error_code> read_body(core::ByteSource& body, std::string& out, std::size_t max)
{
    for (;;) {
        std::string_view chunk;
        if (auto ec = co_await body.next(chunk))
            co_return ec;
        if (chunk.empty())
            co_return std::error_code{};
        if (chunk.size() > max - std::min(max, out.size()))
            co_return std::make_error_code(std::errc::message_size);
        out.append(chunk);
    }
}

Reply body_error_reply(std::error_code ec)
{
    return error_reply(ec == std::errc::message_size ? Status::content_too_large : Status::bad_request);
}

Reply options_reply(std::string_view allow)
{
    Reply r;
    r.response.status = Status::no_content;
    r.response.fields.add("Allow", allow);
    return r;
}

Reply not_allowed_reply(std::string_view allow)
{
    Reply r = error_reply(Status::method_not_allowed);
    r.response.fields.add("Allow", allow);
    return r;
}

}  // namespace layer7::http
