// The proxy's connection shell: see connection.hpp.
#include "http/proxy/connection.hpp"

#include <spdlog/spdlog.h>

#include "http/h1/connection.hpp"
#include "http/h1/request_parser.hpp"
#include "http/h1/serializer.hpp"
#include "http/message/date.hpp"

namespace layer7::http::proxy {

namespace {

using Clock = std::chrono::steady_clock;

h1::ParserLimits parser_limits(const ConnectionOptions& o)
{
    h1::ParserLimits l;
    l.max_start_line = std::max<std::size_t>(o.limits.max_line, 1024);
    l.max_field_section = o.limits.max_header;
    l.max_body = o.limits.max_message;
    return l;
}

// Head + body of a reply, in `out` (head) and the shared body; framing fields set here.
bool serialize(ProxyReply& reply, bool keep_alive, std::string& out)
{
    Response& r = reply.response;
    r.version = Version{1, 1};
    Fields& f = r.fields;
    if (!f.contains("Date"))
        f.add("Date", format_http_date(std::chrono::time_point_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now())));
    if (reply.body)
        f.set("Content-Length", std::to_string(reply.body->size()));
    else if (!reply.head_only && !forbids_content(r.status))
        f.set("Content-Length", "0");
    if (!keep_alive)
        f.set("Connection", "close");
    out.clear();
    return h1::append_response_head(out, r);
}

core::awaitable<std::error_code> write_reply(core::Stream& stream, ProxyReply& reply, bool keep_alive,
                                             std::string& head)
{
    if (!serialize(reply, keep_alive, head)) {
        spdlog::warn("proxy: refusing to forward a response head with an invalid field");
        ProxyReply broken;
        broken.response.status = Status::bad_gateway;
        broken.body = std::make_shared<const std::string>("502 Bad Gateway: invalid response head upstream\n");
        serialize(broken, false, head);
        reply = std::move(broken);
    }
    if (core::Trace::instance().enabled())
        core::Trace::instance().line(stream.id(), core::Speaker::server, std::string_view(head).substr(0, head.find('\r')));
    const bool send_body = reply.body && !reply.head_only && !forbids_content(reply.response.status);
    if (!send_body)
        co_return co_await stream.write(head, false);
    const std::vector<asio::const_buffer> buffers{asio::buffer(head), asio::buffer(*reply.body)};
    co_return co_await stream.write_gather(buffers);
}

core::awaitable<void> fail(core::Stream& stream, Status status, std::string_view text)
{
    ProxyReply reply;
    reply.response.status = status;
    reply.response.fields.add("Content-Type", "text/plain; charset=utf-8");
    reply.body = std::make_shared<const std::string>(std::to_string(code(status)) + " " +
                                                     std::string(reason_phrase(status)) + ": " + std::string(text) + "\n");
    std::string head;
    co_await write_reply(stream, reply, false, head);
}

}  // namespace

core::awaitable<void> serve_connection(core::Stream& stream, Proxy& proxy, const ConnectionOptions& options)
{
    h1::RequestParser parser(parser_limits(options));
    std::string input(16384, '\0');
    std::string body, head;
    bool in_message = false;
    Clock::time_point message_started{};
    std::size_t served = 0;

    for (;;) {
        const h1::Event event = parser.next();
        switch (event.kind) {
        case h1::EventKind::need_more: {
            auto timeout = std::chrono::duration_cast<Clock::duration>(options.limits.idle_timeout);
            if (in_message) {
                const auto left = message_started + options.header_timeout - Clock::now();
                if (left <= Clock::duration::zero()) {
                    co_await fail(stream, Status::request_timeout, "the request did not arrive in time");
                    co_return;
                }
                timeout = std::min(timeout, left);
            }
            stream.set_timeout(timeout);
            auto [ec, n] = co_await stream.read_some(asio::buffer(input));
            if (ec) {
                if (stream.timed_out() && in_message)
                    co_await fail(stream, Status::request_timeout, "the request did not arrive in time");
                co_return;
            }
            if (!in_message) {
                in_message = true;
                message_started = Clock::now();
            }
            parser.feed(std::string_view(input.data(), n));
            break;
        }
        case h1::EventKind::head: {
            body.clear();
            const Request& request = parser.request();
            if (core::Trace::instance().enabled())
                core::Trace::instance().line(stream.id(), core::Speaker::client,
                                             std::string(request.method.name()) + " " + request.target);
            const auto expect = h1::expectation(request);
            if (expect == h1::Expectation::unsupported) {
                co_await fail(stream, Status::expectation_failed, "unsupported expectation");
                co_return;
            }
            if (expect == h1::Expectation::continue_ && parser.framing().kind != h1::BodyKind::none)
                if (co_await stream.write("HTTP/1.1 100 Continue\r\n\r\n", false))
                    co_return;
            break;
        }
        case h1::EventKind::data:
            body.append(event.data);
            break;
        case h1::EventKind::complete: {
            in_message = false;
            const Request& request = parser.request();
            if (request.method == MethodId::connect) {
                co_await tunnel(stream, proxy, request, parser.take_buffered(), options.limits.idle_timeout);
                co_return;
            }
            const bool keep = h1::keep_alive(request) && ++served < options.max_requests;
            ProxyReply reply = co_await proxy.handle(request, std::move(body));
            body = std::string();
            const bool keep_after = keep && !reply.close;
            if (co_await write_reply(stream, reply, keep_after, head))
                co_return;
            if (!keep_after)
                co_return;
            break;
        }
        case h1::EventKind::error: {
            const h1::Error error = parser.error();
            spdlog::info("proxy: {} from {}", h1::describe(error), stream.peer_string());
            co_await fail(stream, h1::status_for(error), h1::describe(error));
            co_return;
        }
        }
    }
}

}  // namespace layer7::http::proxy
