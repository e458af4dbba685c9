// The HTTP/1.1 client shell: see client.hpp.
#include "http/client/client.hpp"

#include "core/net/resolve.hpp"
#include "core/net/stream.hpp"
#include "core/net/tls.hpp"
#include "http/client/connection.hpp"
#include "http/client/h2_connection.hpp"
#include "http/client/response_body.hpp"
#include "http/h1/chunked.hpp"
#include "http/h1/connection.hpp"
#include "http/h1/response_parser.hpp"
#include "http/h1/serializer.hpp"

namespace layer7::http::client {

using Clock = std::chrono::steady_clock;

std::string host_field(const Url& url)
{
    core::HostPort hp{url.host, url.port};
    const bool default_port = (url.scheme == "http" && url.port == 80) || (url.scheme == "https" && url.port == 443);
    return default_port ? (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host)
                        : core::to_string(hp);
}

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

Failure write_failure(const std::error_code& ec, const Connection& c)
{
    return {ec == asio::error::timed_out || c.stream->timed_out() ? Error::timeout : Error::closed,
            "sending the request to " + c.peer + ": " + ec.message()};
}

void trace_response(const Connection& c, const Response& r)
{
    auto& trace = core::Trace::instance();
    const std::string reason = r.reason.empty() ? std::string(reason_phrase(r.status)) : r.reason;
    trace.line(c.stream->id(), core::Speaker::server,
               "HTTP/" + std::to_string(r.version.major) + "." + std::to_string(r.version.minor) + " " +
                   std::to_string(code(r.status)) + " " + reason);
    for (Field f : r.fields)
        trace.line(c.stream->id(), core::Speaker::server, std::string(f.name) + ": " + std::string(f.value));
}

// Reads up to the head of the final response (1xx skipped), leaving its content in the parser and
// on the connection. `got_bytes` tells whether any byte arrived (a pooled connection that fails
// before that may be retried); the first one sets timing.first_byte.
core::awaitable<core::Result<Response, Failure>> read_head(Connection& c, Clock::time_point sent, Timing& timing,
                                                           bool& got_bytes)
{
    for (;;) {
        const h1::Event ev = c.parser.next();
        switch (ev.kind) {
        case h1::EventKind::need_more: {
            auto [ec, n] = co_await c.stream->read_some(asio::buffer(c.buffer));
            if (ec) {
                if (ec == asio::error::timed_out || c.stream->timed_out())
                    co_return core::fail(Failure{Error::timeout, "waiting for the response from " + c.peer});
                if (ec != asio::error::eof && ec != asio::error::connection_reset)
                    co_return core::fail(Failure{Error::closed, ec.message()});
                if (!got_bytes)
                    co_return core::fail(Failure{Error::empty_reply, c.peer});
                co_return core::fail(Failure{Error::closed, c.peer});
            }
            if (!got_bytes)
                timing.first_byte = Clock::now() - sent;
            got_bytes = true;
            c.parser.feed(std::string_view(c.buffer.data(), n));
            continue;
        }
        case h1::EventKind::head: {
            // An interim 1xx completes at once and the final response follows (RFC 9110 §15.2).
            const Response& r = c.parser.response();
            if (core::Trace::instance().enabled())
                trace_response(c, r);
            if (is_informational(r.status) && r.status != Status::switching_protocols)
                continue;
            co_return r;
        }
        case h1::EventKind::data:      // none before a head
        case h1::EventKind::complete:  // of a 1xx
            continue;
        case h1::EventKind::error:
            co_return core::fail(Failure{Error::bad_response, std::string(h1::describe(c.parser.error()))});
        }
    }
}

}  // namespace

Client::Client(Options options) : options_(std::move(options)) {}
Client::~Client()
{
    for (auto& [key, connection] : h2_)
        connection->close();  // its reader and writer end, and with them the last owners
}

std::string Client::pool_key(const Url& url) const
{
    return url.scheme + "://" + host_field(url) + (options_.proxy ? " via " + host_field(*options_.proxy) : "");
}

void Client::close_idle()
{
    idle_.clear();
    for (auto& [key, connection] : h2_)
        connection->close();
    h2_.clear();
}

std::size_t Client::idle_connections() const
{
    std::size_t n = 0;
    for (const auto& [k, v] : idle_)
        n += v.size();
    return n;
}

void Client::pool(const std::string& key, std::unique_ptr<Connection> c)
{
    auto& idle = idle_[key];
    if (idle.size() < options_.max_idle_per_origin)
        idle.push_back(std::move(c));
}

core::awaitable<void> Client::round_trip() const
{
    if (options_.emulated_rtt.count() <= 0)
        co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor, options_.emulated_rtt);
    co_await timer.async_wait(core::use_tuple);
}

core::awaitable<core::Result<std::unique_ptr<Connection>, Failure>> Client::connect(const Url& url)
{
    const core::HostPort hp = options_.proxy ? core::HostPort{options_.proxy->host, options_.proxy->port}
                                             : core::HostPort{url.host, url.port};
    auto [ec, socket] = co_await core::connect_tcp(hp, options_.connect_timeout, options_.names.get());
    if (ec)
        co_return core::fail(connect_failure(ec, hp));
    co_await round_trip();  // SYN → SYN-ACK
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
            bool got = false;
            Timing scratch;
            auto r = co_await read_head(*c, Clock::now(), scratch, got);
            if (!r) {
                failure = r.error();
                co_return;
            }
            if (status_class(r->status) != 2) {
                failure = Failure{Error::proxy_failed, std::to_string(code(r->status)) + " from the proxy"};
                co_return;
            }
            c->parser = h1::ResponseParser(options_.limits);
        }
        if (!options_.tls)
            options_.tls = core::make_client_tls();
        if (options_.http2 != Http2::off && !options_.proxy)
            core::request_alpn(*options_.tls, true);
        co_await round_trip();  // ClientHello → ServerHello (TLS 1.3: one round trip)
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

core::awaitable<std::optional<Failure>> Client::write_request(Connection& c, const std::string& head, Body body,
                                                              bool chunked, bool& pulled)
{
    if (!body.source) {
        const std::vector<asio::const_buffer> buffers{asio::buffer(head), asio::buffer(body.whole)};
        if (auto ec = co_await c.stream->write_gather(buffers))
            co_return write_failure(ec, c);
        co_return std::nullopt;
    }
    // Each piece goes out before the next is pulled: the source is only asked when there is room.
    const std::optional<std::uint64_t> declared = body.source->size();
    std::string prefix = head;  // the head travels with the first piece; then chunk headers
    std::uint64_t total = 0;
    for (;;) {
        std::string_view piece;
        pulled = true;
        if (auto ec = co_await body.source->next(piece))
            co_return Failure{Error::request_body, ec.message()};
        total += piece.size();
        if (!chunked && declared && total > *declared)
            co_return Failure{Error::request_body, "more than the declared " + std::to_string(*declared) + " bytes"};
        if (chunked && piece.empty())
            h1::append_last_chunk(prefix);
        else if (chunked)
            h1::append_chunk_header(prefix, piece.size());
        std::vector<asio::const_buffer> buffers{asio::buffer(prefix), asio::buffer(piece.data(), piece.size())};
        if (chunked && !piece.empty())
            buffers.push_back(asio::buffer(h1::chunk_end.data(), h1::chunk_end.size()));
        if (!prefix.empty() || !piece.empty())
            if (auto ec = co_await c.stream->write_gather(buffers))
                co_return write_failure(ec, c);
        prefix.clear();
        if (piece.empty())
            break;
    }
    if (!chunked && declared && total != *declared)
        co_return Failure{Error::request_body,
                          std::to_string(total) + " bytes, not the declared " + std::to_string(*declared)};
    co_return std::nullopt;
}

core::awaitable<core::Result<ResponseStream, Failure>> Client::start(const Url& url, Request request, Body body)
{
    const auto started = Clock::now();
    if (url.scheme != "http" && url.scheme != "https")
        co_return core::fail(Failure{Error::bad_url, url.scheme});
    // Through an http proxy a plain request names the whole URL (absolute-form, RFC 9112 §3.2.2).
    request.target = options_.proxy && url.scheme == "http" ? url.scheme + "://" + host_field(url) + url.path_and_query
                                                            : url.path_and_query;
    if (!request.fields.contains("Host"))
        request.fields.add("Host", host_field(url));
    const bool framed = request.fields.contains("Content-Length") || request.fields.contains("Transfer-Encoding");
    if (body.source && !framed) {
        // RFC 9112 §6.2, §7.1: the length when it is known up front, else chunks as they come.
        if (const auto size = body.source->size())
            request.fields.add("Content-Length", std::to_string(*size));
        else
            request.fields.add("Transfer-Encoding", "chunked");
    } else if (!framed &&
               (!body.whole.empty() || request.method == MethodId::post || request.method == MethodId::put)) {
        request.fields.add("Content-Length", std::to_string(body.whole.size()));
    }
    const bool chunked = body.source && request.fields.list_contains("Transfer-Encoding", "chunked");
    if (!options_.keep_alive && !request.fields.contains("Connection"))
        request.fields.add("Connection", "close");
    std::string head;
    if (!h1::append_request_head(head, request))
        co_return core::fail(Failure{Error::bad_url, "invalid request target or field"});

    const std::string key = pool_key(url);
    if (options_.http2 != Http2::off && !options_.proxy &&
        (url.scheme == "https" || options_.http2 == Http2::prior_knowledge)) {
        // HTTP/2 when the server agrees (ALPN), or on trust (prior knowledge, RFC 9113 §3.3); an
        // https server that picks http/1.1 gets HTTP/1.1 on the connection just made.
        auto h2 = co_await h2_connection(url, key);
        if (!h2)
            co_return core::fail(h2.error());
        if (h2.value().connection) {
            std::string whole(body.whole);
            if (body.source)
                for (std::string_view piece;;) {
                    if (auto ec = co_await body.source->next(piece))
                        co_return core::fail(Failure{Error::request_body, ec.message()});
                    if (piece.empty())
                        break;
                    whole.append(piece);
                }
            co_await round_trip();  // the request out and the response's first byte back
            std::string sent = whole;
            auto ex = co_await h2.value().connection->exchange(url, request, std::move(sent));
            if (!ex && ex.error().unprocessed) {
                // The server refused the stream, or is going away (GOAWAY): once more, on a new
                // connection when this one takes no more requests.
                h2 = co_await h2_connection(url, key);
                if (!h2)
                    co_return core::fail(h2.error());
                if (!h2.value().connection)
                    co_return core::fail(ex.error());
                ex = co_await h2.value().connection->exchange(url, request, std::move(whole));
            }
            if (!ex)
                co_return core::fail(ex.error());
            ResponseStream out;
            out.response = std::move(ex.value().response);
            out.timing = ex.value().timing;
            out.timing.connect = h2.value().connect;
            out.timing.reused = h2.value().reused;
            out.timing.total = Clock::now() - started;
            out.peer = std::move(ex.value().peer);
            out.request_head = std::move(ex.value().request_head);
            out.body = std::make_unique<core::StringSource>(std::move(ex.value().body));
            co_return std::move(out);
        }
    }
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
        ResponseStream out;
        if (!c) {
            const auto t = Clock::now();
            auto opened = co_await connect(url);
            if (!opened)
                co_return core::fail(opened.error());
            c = std::move(opened.value());
            out.timing.connect = Clock::now() - t;
        }
        c->stream->set_timeout(options_.io_timeout);
        bool got_bytes = false;
        bool pulled = false;
        const auto sent = Clock::now();
        co_await round_trip();                  // the request out and the response's first byte back
        if (core::Trace::instance().enabled())  // the head as sent, without the empty line that ends it
            core::Trace::instance().block(c->stream->id(), core::Speaker::client,
                                          std::string_view(head).substr(0, head.size() - 4));
        std::optional<Failure> failure = co_await write_request(*c, head, body, chunked, pulled);
        if (!failure) {
            c->parser.expect_response_to(request.method);
            auto r = co_await read_head(*c, sent, out.timing, got_bytes);
            if (r)
                out.response = std::move(r.value());
            else
                failure = r.error();
        }
        if (failure) {
            // RFC 9112 §9.3.1: a pooled connection may have been closed by the server just as we
            // sent; retry an idempotent request once on a fresh one, if its body can be sent again.
            if (reused && !got_bytes && !pulled && request.method.is_idempotent() && failure->error != Error::timeout)
                continue;
            co_return core::fail(std::move(*failure));
        }
        out.timing.reused = reused;
        out.timing.total = Clock::now() - started;
        out.peer = c->peer;
        out.request_head = std::move(head);
        const bool reusable = options_.keep_alive && h1::keep_alive(out.response) &&
                              !request.fields.list_contains("Connection", "close") &&
                              c->parser.framing().kind != h1::BodyKind::until_close;
        out.body = std::make_unique<ResponseBody>(*this, std::move(c), key, reusable);
        co_return std::move(out);
    }
    co_return core::fail(Failure{Error::closed, "the server closed the connection twice"});
}

core::awaitable<core::Result<Client::H2Pick, Failure>> Client::h2_connection(const Url& url, const std::string& key)
{
    H2Pick pick;
    // Requests that find the origin's connection being made wait for it rather than make their
    // own: HTTP/2 is one connection per origin (RFC 9113 §9.1.1).
    for (auto it = h2_connecting_.find(key); it != h2_connecting_.end(); it = h2_connecting_.find(key)) {
        const auto connecting = it->second;  // the map may change while this waits
        co_await connecting->async_wait(core::use_tuple);
        if (!h2_.contains(key))
            break;  // it failed: this request tries on its own
    }
    if (auto it = h2_.find(key); it != h2_.end()) {
        if (it->second->usable()) {
            pick.connection = it->second;
            pick.reused = true;
            co_return pick;
        }
        h2_.erase(it);
    }
    const auto t = Clock::now();
    auto connecting =
        std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    h2_connecting_[key] = connecting;
    struct Done {  // however this ends, the waiters go on
        std::unordered_map<std::string, std::shared_ptr<asio::steady_timer>>& map;
        const std::string& key;
        std::shared_ptr<asio::steady_timer> ours;
        ~Done()
        {
            ours->cancel();
            if (auto it = map.find(key); it != map.end() && it->second == ours)
                map.erase(it);
        }
    } done{h2_connecting_, key, connecting};
    auto opened = co_await connect(url);
    if (!opened)
        co_return core::fail(opened.error());
    pick.connect = Clock::now() - t;
    std::unique_ptr<Connection> c = std::move(opened.value());
    if (url.scheme == "https" && c->stream->alpn() != "h2") {
        pool(key, std::move(c));  // the server speaks HTTP/1.1 only: the loop below takes it
        co_return pick;
    }
    if (url.scheme == "http")
        co_await round_trip();  // our preface and SETTINGS out, the server's back
    pick.connection = std::make_shared<H2Connection>(std::move(c), options_, co_await asio::this_coro::executor);
    pick.connection->start();
    h2_[key] = pick.connection;
    co_return pick;
}

core::awaitable<core::Result<ResponseStream, Failure>> Client::open(const Url& url, Request request,
                                                                    core::ByteSource* body)
{
    const Body pulled{body, {}};  // named: GCC 12 mishandles class temporaries in co_await arguments
    co_return co_await start(url, std::move(request), pulled);
}

core::awaitable<core::Result<Exchange, Failure>> Client::send(const Url& url, Request request, std::string body)
{
    const auto started = Clock::now();
    const Body whole{nullptr, body};  // named, see open()
    auto opened = co_await start(url, std::move(request), whole);
    if (!opened)
        co_return core::fail(opened.error());
    ResponseStream& rs = opened.value();
    Exchange ex;
    ex.response = std::move(rs.response);
    ex.timing = rs.timing;
    ex.peer = std::move(rs.peer);
    ex.request_head = std::move(rs.request_head);
    for (;;) {
        std::string_view piece;
        if (auto ec = co_await rs.body->next(piece))
            co_return core::fail(body_failure(ec, ex.peer));
        if (piece.empty())
            break;
        ex.body.append(piece);  // limits.max_body bounds it (the parser counts content bytes)
    }
    ex.timing.total = Clock::now() - started;
    co_return ex;
}

Failure body_failure(const std::error_code& ec, const std::string& peer)
{
    if (ec == std::errc::timed_out)
        return {Error::timeout, "reading the response body from " + peer};
    if (ec == std::errc::message_size)
        return {Error::bad_response, "the body is over the size limit"};
    if (ec == std::errc::bad_message)
        return {Error::bad_response, "malformed body framing from " + peer};
    if (ec == std::errc::illegal_byte_sequence)
        return {Error::bad_response, "content does not decode as gzip/deflate"};
    return {Error::closed, peer + ": " + ec.message()};
}

}  // namespace layer7::http::client
