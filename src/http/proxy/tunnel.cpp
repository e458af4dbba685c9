// CONNECT tunnels (RFC 9110 §9.3.6): see connection.hpp.
#include <spdlog/spdlog.h>

#include "core/net/resolve.hpp"
#include "http/message/target.hpp"
#include "http/proxy/connection.hpp"

namespace layer7::http::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;

core::awaitable<void> answer(core::Stream& stream, std::string_view status_line, std::string_view text)
{
    std::string out(status_line);
    out += "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(text.size() + 1) +
           "\r\nConnection: close\r\n\r\n";
    out += text;
    out.push_back('\n');
    co_await stream.write(out, false);
}

// Copies `from` → `to`. The end of one direction is passed on as a half-close (FIN), so the other
// direction can still finish; an error closes both.
core::awaitable<void> pump(core::Stream& from, core::Stream& to)
{
    std::vector<char> buffer(16384);
    for (;;) {
        auto [ec, n] = co_await from.read_some(asio::buffer(buffer));
        std::error_code ignored;
        if (ec) {
            if (ec == asio::error::eof) {
                to.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
            } else {
                from.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
                to.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            }
            co_return;
        }
        if (co_await to.write(std::string_view(buffer.data(), n), false)) {
            from.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            to.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            co_return;
        }
    }
}

}  // namespace

core::awaitable<void> tunnel(core::Stream& client, Proxy& proxy, const Request& request, std::string early,
                             std::chrono::seconds idle_timeout)
{
    std::string host;
    std::uint16_t port = 0;
    if (!split_authority(request.target, host, port) || port == 0) {
        co_await answer(client, "HTTP/1.1 400 Bad Request", "CONNECT wants host:port");
        co_return;
    }
    if (!proxy.connect_allowed(port)) {
        spdlog::info("proxy: CONNECT to {} refused from {}: port {} is not allowed", request.target,
                     client.peer_string(), port);
        co_await answer(client, "HTTP/1.1 403 Forbidden", "CONNECT is allowed only to the configured ports");
        co_return;
    }
    const core::HostPort target{host, port};  // named: GCC 12 destroys temporaries in co_await too early
    auto [ec, socket] = co_await core::connect_tcp(target, proxy.options().connect_timeout);
    if (ec == asio::error::timed_out) {
        co_await answer(client, "HTTP/1.1 504 Gateway Timeout", "connecting to the target timed out");
        co_return;
    }
    if (ec) {
        spdlog::info("proxy: CONNECT to {} failed: {}", request.target, ec.message());
        co_await answer(client, "HTTP/1.1 502 Bad Gateway", "cannot connect to " + request.target);
        co_return;
    }
    ++proxy.stats().tunnels;
    core::Stream upstream(std::move(socket), core::Role::client);
    if (co_await client.write("HTTP/1.1 200 Connection Established\r\n\r\n", false))
        co_return;
    if (!early.empty() && co_await upstream.write(early, false))
        co_return;
    client.set_timeout(idle_timeout);
    upstream.set_timeout(idle_timeout);
    co_await (pump(client, upstream) && pump(upstream, client));
    co_await upstream.shutdown();
}

}  // namespace layer7::http::proxy
