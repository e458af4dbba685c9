// The HTTP/1.1 client shell: see client.hpp.
#include "http/client/client.hpp"

#include <sys/socket.h>

#include "core/net/resolve.hpp"
#include "core/net/stream.hpp"
#include "core/net/tls.hpp"
#include "http/h1/connection.hpp"
#include "http/h1/response_parser.hpp"
#include "http/h1/serializer.hpp"

namespace layer7::http::client {

using Clock = std::chrono::steady_clock;

struct Client::Connection {
    std::unique_ptr<core::Stream> stream;
    h1::ResponseParser parser;
    std::string peer;
    explicit Connection(asio::ip::tcp::socket socket, const h1::ParserLimits& limits)
        : stream(std::make_unique<core::Stream>(std::move(socket), core::Role::client)), parser(limits)
    {
        peer = stream->peer_string();
    }
    // An idle pooled connection the server has closed (or sent junk on) is not worth a request.
    bool still_open()
    {
        char byte;
        const ssize_t n = ::recv(stream->socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
};

namespace {

Failure connect_failure(const std::error_code& ec, const core::HostPort& hp)
{
    const std::string where = core::to_string(hp);
    if (ec.category() == asio::error::get_netdb_category() || ec.category() == asio::error::get_addrinfo_category())
        return {Error::unknown_host, hp.host};
    if (ec == asio::error::connection_refused)
        return {Error::refused, where};
    if (ec == asio::error::timed_out)
        return {Error::timeout, "connecting to " + where};
    return {Error::connect_failed, where + ": " + ec.message()};
}

std::string host_field(const Url& url)
{
    core::HostPort hp{url.host, url.port};
    const bool default_port = (url.scheme == "http" && url.port == 80) || (url.scheme == "https" && url.port == 443);
    return default_port ? (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host)
                        : core::to_string(hp);
}

// Reads one final response (skipping 1xx) from `c` into `out`; `got_bytes` tells whether any
// byte arrived (a pooled connection that fails before that may be retried).
template <class Conn>
core::awaitable<core::Result<Exchange, Failure>> read_response(Conn& c, std::string& buffer, Exchange out,
                                                                 Clock::time_point sent, bool& got_bytes)
{
    for (;;) {
        h1::Event ev = c.parser.next();
        switch (ev.kind) {
        case h1::EventKind::need_more: {
            auto [ec, n] = co_await c.stream->read_some(asio::buffer(buffer));
            if (ec) {
                if (ec == asio::error::timed_out || c.stream->timed_out())
                    co_return core::fail(Failure{Error::timeout, "waiting for the response from " + c.peer});
                if (ec != asio::error::eof && ec != asio::error::connection_reset)
                    co_return core::fail(Failure{Error::closed, ec.message()});
                ev = c.parser.finish();
                if (ev.kind == h1::EventKind::complete)
                    break;
                if (!got_bytes)
                    co_return core::fail(Failure{Error::empty_reply, c.peer});
                co_return core::fail(Failure{Error::closed, c.peer});
            }
            if (!got_bytes)
                out.timing.first_byte = Clock::now() - sent;
            got_bytes = true;
            c.parser.feed(std::string_view(buffer.data(), n));
            continue;
        }
        case h1::EventKind::head:
            continue;
        case h1::EventKind::data:
            out.body.append(ev.data);
            continue;
        case h1::EventKind::error:
            co_return core::fail(Failure{Error::bad_response, std::string(h1::describe(c.parser.error()))});
        case h1::EventKind::complete:
            break;
        }
        // complete (here or via finish()): an interim 1xx is followed by the final response.
        const Response& r = c.parser.response();
        if (is_informational(r.status) && r.status != Status::switching_protocols) {
            out.body.clear();
            continue;
        }
        out.response = r;
        co_return out;
    }
}

}  // namespace

Client::Client(Options options) : options_(std::move(options)) {}
Client::~Client() = default;

std::string Client::pool_key(const Url& url) const
{
    return url.scheme + "://" + host_field(url) + (options_.proxy ? " via " + host_field(*options_.proxy) : "");
}

void Client::close_idle()
{
    idle_.clear();
}

std::size_t Client::idle_connections() const
{
    std::size_t n = 0;
    for (const auto& [k, v] : idle_)
        n += v.size();
    return n;
}

core::awaitable<core::Result<std::unique_ptr<Client::Connection>, Failure>> Client::open(const Url& url)
{
    const core::HostPort hp = options_.proxy ? core::HostPort{options_.proxy->host, options_.proxy->port}
                                             : core::HostPort{url.host, url.port};
    auto [ec, socket] = co_await core::connect_tcp(hp, options_.connect_timeout);
    if (ec)
        co_return core::fail(connect_failure(ec, hp));
    auto c = std::make_unique<Connection>(std::move(socket), options_.limits);
    c->stream->set_timeout(options_.io_timeout);
    if (url.scheme != "https")
        co_return std::move(c);

    std::optional<Failure> failure;
    auto handshake = [&]() -> core::awaitable<void> {
        if (options_.proxy) {
            // RFC 9110 §9.3.6: CONNECT host:port, then TLS end to end through the tunnel.
            const std::string authority = core::to_string(core::HostPort{url.host, url.port});
            const std::string connect = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
            if (auto wec = co_await c->stream->write(connect)) {
                failure = Failure{Error::proxy_failed, wec.message()};
                co_return;
            }
            c->parser.expect_response_to(Method(MethodId::connect));
            std::string buffer(4096, '\0');
            bool got = false;
            Exchange scratch;  // named: GCC 12 mishandles class temporaries in co_await arguments
            auto r = co_await read_response(*c, buffer, std::move(scratch), Clock::now(), got);
            if (!r) {
                failure = r.error();
                co_return;
            }
            if (status_class(r->response.status) != 2) {
                failure = Failure{Error::proxy_failed, std::to_string(code(r->response.status)) + " from the proxy"};
                co_return;
            }
            c->parser = h1::ResponseParser(options_.limits);
        }
        if (!options_.tls)
            options_.tls = core::make_client_tls();
        if (auto tec = co_await c->stream->start_tls_client(*options_.tls, url.host)) {
            failure = c->stream->timed_out() ? Failure{Error::timeout, "TLS handshake with " + c->peer}
                                             : Failure{Error::tls, tec.message()};
        }
    };
    co_await handshake();
    if (failure)
        co_return core::fail(std::move(*failure));
    co_return std::move(c);
}

core::awaitable<core::Result<Exchange, Failure>> Client::exchange(Connection& c, const Request& request,
                                                                   const std::string& head, const std::string& body,
                                                                   bool& got_bytes)
{
    const auto sent = Clock::now();
    const std::vector<asio::const_buffer> buffers{asio::buffer(head), asio::buffer(body)};
    if (auto ec = co_await c.stream->write_gather(buffers))
        co_return core::fail(Failure{ec == asio::error::timed_out ? Error::timeout : Error::closed,
                                     "sending the request to " + c.peer + ": " + ec.message()});
    c.parser.expect_response_to(request.method);
    std::string buffer(16384, '\0');
    Exchange out;
    out.peer = c.peer;
    co_return co_await read_response(c, buffer, std::move(out), sent, got_bytes);
}

core::awaitable<core::Result<Exchange, Failure>> Client::send(const Url& url, Request request, std::string body)
{
    const auto started = Clock::now();
    if (url.scheme != "http" && url.scheme != "https")
        co_return core::fail(Failure{Error::bad_url, url.scheme});
    // Through an http proxy a plain request names the whole URL (absolute-form, RFC 9112 §3.2.2).
    request.target = options_.proxy && url.scheme == "http"
                         ? url.scheme + "://" + host_field(url) + url.path_and_query
                         : url.path_and_query;
    if (!request.fields.contains("Host"))
        request.fields.add("Host", host_field(url));
    if ((!body.empty() || request.method == MethodId::post || request.method == MethodId::put) &&
        !request.fields.contains("Content-Length") && !request.fields.contains("Transfer-Encoding"))
        request.fields.add("Content-Length", std::to_string(body.size()));
    if (!options_.keep_alive && !request.fields.contains("Connection"))
        request.fields.add("Connection", "close");
    std::string head;
    if (!h1::append_request_head(head, request))
        co_return core::fail(Failure{Error::bad_url, "invalid request target or field"});

    const std::string key = pool_key(url);
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::unique_ptr<Connection> c;
        auto& idle = idle_[key];
        while (!idle.empty() && !c) {
            c = std::move(idle.back());
            idle.pop_back();
            if (!c->still_open())
                c.reset();
        }
        const bool reused = c != nullptr;
        Timing::Duration connect_time{};
        if (!c) {
            const auto t = Clock::now();
            auto opened = co_await open(url);
            if (!opened)
                co_return core::fail(opened.error());
            c = std::move(opened.value());
            connect_time = Clock::now() - t;
        }
        bool got_bytes = false;
        c->stream->set_timeout(options_.io_timeout);
        auto result = co_await exchange(*c, request, head, body, got_bytes);
        if (!result) {
            // RFC 9112 §9.3.1: a pooled connection may have been closed by the server just as we
            // sent; retry an idempotent request once on a fresh one.
            if (reused && !got_bytes && request.method.is_idempotent() &&
                result.error().error != Error::timeout)
                continue;
            co_return result;
        }
        Exchange& ex = result.value();
        ex.timing.connect = connect_time;
        ex.timing.reused = reused;
        ex.timing.total = Clock::now() - started;
        ex.request_head = head;
        const bool persistent = options_.keep_alive && h1::keep_alive(ex.response) &&
                                !request.fields.list_contains("Connection", "close") &&
                                c->parser.framing().kind != h1::BodyKind::until_close && c->parser.idle();
        if (persistent && idle.size() < options_.max_idle_per_origin)
            idle.push_back(std::move(c));
        co_return result;
    }
    co_return core::fail(Failure{Error::closed, "the server closed the connection twice"});
}

}  // namespace layer7::http::client
