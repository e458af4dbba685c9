// Pulling response content off the connection: see response_body.hpp.
#include "http/client/response_body.hpp"

#include "http/client/client.hpp"
#include "http/client/connection.hpp"

namespace layer7::http::client {

ResponseBody::ResponseBody(Client& client, std::unique_ptr<Connection> c, std::string pool_key, bool reusable)
    : client_(&client), c_(std::move(c)), key_(std::move(pool_key)), reusable_(reusable)
{
    const h1::Framing& f = c_->parser.framing();
    if (f.kind == h1::BodyKind::length)
        size_ = f.length;
    else if (f.kind == h1::BodyKind::none || f.kind == h1::BodyKind::tunnel)
        size_ = 0;
}

ResponseBody::~ResponseBody() = default;

void ResponseBody::end()
{
    // idle(): nothing of a next response is buffered (a server must not send one unasked).
    if (reusable_ && c_->parser.idle())
        client_->pool(key_, std::move(c_));
    c_.reset();
}

std::error_code ResponseBody::fail(std::error_code ec)
{
    c_.reset();
    failed_ = ec;
    return ec;
}

core::awaitable<std::error_code> ResponseBody::next(std::string_view& chunk)
{
    chunk = {};
    while (c_) {
        h1::Event ev = c_->parser.next();
        switch (ev.kind) {
        case h1::EventKind::data:
            chunk = ev.data;  // valid until the next feed(), which only the next call makes
            co_return std::error_code{};
        case h1::EventKind::complete: end(); co_return std::error_code{};
        case h1::EventKind::error:
            co_return fail(std::make_error_code(
                c_->parser.error() == h1::Error::body_too_large ? std::errc::message_size : std::errc::bad_message));
        case h1::EventKind::head:  // only one head per response; the next one is not ours
            continue;
        case h1::EventKind::need_more: break;
        }
        auto [ec, n] = co_await c_->stream->read_some(asio::buffer(c_->buffer));
        if (!ec) {
            c_->parser.feed(std::string_view(c_->buffer.data(), n));
            continue;
        }
        if (ec == asio::error::timed_out || c_->stream->timed_out())
            co_return fail(std::make_error_code(std::errc::timed_out));
        if (ec != asio::error::eof && ec != asio::error::connection_reset)
            co_return fail(ec);
        // The server closed: the end of an until-close body, or a truncated one.
        if (c_->parser.finish().kind == h1::EventKind::complete) {
            reusable_ = false;
            end();
            co_return std::error_code{};
        }
        co_return fail(asio::error::eof);
    }
    co_return failed_;
}

}  // namespace layer7::http::client
