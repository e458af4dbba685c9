// ProxyHandler: the caching proxy as a handler on the shared HTTP/1.1 shell. Requests go through
// Proxy (cache, upstream client); CONNECT becomes an upgrade: once the target is reached, 200 and
// the connection turns into a byte tunnel (RFC 9110 §9.3.6).
#pragma once

#include <chrono>

#include "http/proxy/proxy.hpp"
#include "http/server/handler.hpp"

namespace layer7::http::proxy {

class ProxyHandler final : public Handler {
public:
    // `max_body`: the largest request body forwarded; `tunnel_idle`: a tunnel with no byte either way this long closes.
    ProxyHandler(Proxy& proxy, std::size_t max_body, std::chrono::seconds tunnel_idle)
        : proxy_(proxy), max_body_(max_body), tunnel_idle_(tunnel_idle)
    {
    }
    core::awaitable<Outcome> handle(Exchange& exchange) override;

private:
    Proxy& proxy_;
    std::size_t max_body_;
    std::chrono::seconds tunnel_idle_;
};

// CONNECT authority: 400/403/502/504 as a reply, or the 200 upgrade into a tunnel to the target.
core::awaitable<Outcome> open_tunnel(Proxy& proxy, const Request& request, std::chrono::seconds idle_timeout,
                                     std::string_view client);

}  // namespace layer7::http::proxy
