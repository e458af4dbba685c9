// ProxyHandler: the caching proxy as a handler on the shared HTTP/1.1 shell. Requests go through
// Proxy (cache, upstream client), bodies streamed both ways; CONNECT becomes an upgrade: once the target is reached,
// 200 and the connection turns into a byte tunnel (RFC 9110 §9.3.6).
#pragma once

#include <chrono>

#include "http/proxy/proxy.hpp"
#include "http/server/handler.hpp"

namespace layer7::http::proxy {

class ProxyHandler final : public Handler {
public:
    // `tunnel_idle`: a tunnel with no byte either way this long closes.
    ProxyHandler(Proxy& proxy, std::chrono::seconds tunnel_idle) : proxy_(proxy), tunnel_idle_(tunnel_idle) {}
    core::awaitable<Outcome> handle(Exchange& exchange) override;

private:
    Proxy& proxy_;
    std::chrono::seconds tunnel_idle_;
};

// CONNECT authority: 400/403/502/504 as a reply, or the 200 upgrade into a tunnel to the target.
core::awaitable<Outcome> open_tunnel(Proxy& proxy, const Request& request, std::chrono::seconds idle_timeout,
                                     std::string_view client);

}  // namespace layer7::http::proxy
