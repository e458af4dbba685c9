// CONNECT tunnels (RFC 9110 §9.3.6): see handler.hpp.
#include <spdlog/spdlog.h>

#include "core/net/resolve.hpp"
#include "http/message/target.hpp"
#include "http/proxy/handler.hpp"

namespace layer7::http::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;

// A CONNECT that does not become a tunnel: the status and why, and the connection closes.
Reply answer(Status status, std::string text)
{
    Reply reply = text_reply(status, std::move(text) + "\n");
    reply.close = true;
    return reply;
}

// Copies `from` → `to`. The end of one direction is passed on as a half-close (FIN, END_STREAM), so
// the other direction can still finish; an error ends both.
core::awaitable<void> pump(core::Duplex& from, core::Duplex& to)
{
    std::vector<char> buffer(16384);
    for (;;) {
        auto [ec, n] = co_await from.read_some(asio::buffer(buffer));
        if (ec) {
            if (ec == asio::error::eof) {
                to.finish_write();
            } else {
                from.abort();
                to.abort();
            }
            co_return;
        }
        if (co_await to.write(std::string_view(buffer.data(), n))) {
            from.abort();
            to.abort();
            co_return;
        }
    }
}

}  // namespace

core::awaitable<Outcome> open_tunnel(Proxy& proxy, const Request& request, std::chrono::seconds idle_timeout,
                                     std::string_view client)
{
    std::string host;
    std::uint16_t port = 0;
    if (!split_authority(request.target, host, port) || port == 0)
        co_return answer(Status::bad_request, "CONNECT wants host:port");
    if (!proxy.connect_allowed(port)) {
        spdlog::info("proxy: CONNECT to {} refused from {}: port {} is not allowed", request.target, client, port);
        co_return answer(Status::forbidden, "CONNECT is allowed only to the configured ports");
    }
    const core::HostPort target{host, port};  // named: GCC 12 destroys temporaries in co_await too early
    auto [ec, socket] =
        co_await core::connect_tcp(target, proxy.options().connect_timeout, proxy.options().names.get());
    if (ec == asio::error::timed_out)
        co_return answer(Status::gateway_timeout, "connecting to the target timed out");
    if (ec) {
        spdlog::info("proxy: CONNECT to {} failed: {}", request.target, ec.message());
        co_return answer(Status::bad_gateway, "cannot connect to " + request.target);
    }
    ++proxy.stats().tunnels;
    auto upstream = std::make_shared<core::Stream>(std::move(socket), core::Role::client);
    Upgrade upgrade;
    upgrade.response.status = Status::ok;
    upgrade.response.reason = "Connection Established";
    // The shell keeps the Upgrade (and so these captures) until the tunnel ends.
    upgrade.run = [upstream, idle_timeout](core::Duplex& client, std::string early) -> core::awaitable<void> {
        if (!early.empty() && co_await upstream->write(early, false))
            co_return;
        client.set_timeout(idle_timeout);
        upstream->set_timeout(idle_timeout);
        core::StreamDuplex target(*upstream);
        co_await (pump(client, target) && pump(target, client));
        co_await upstream->shutdown();
    };
    co_return upgrade;
}

}  // namespace layer7::http::proxy
