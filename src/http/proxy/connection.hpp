// The proxy's HTTP/1.1 connection shell: reads requests from a client, asks the Proxy, writes the
// replies in order; a CONNECT turns the connection into a tunnel (RFC 9110 §9.3.6) to an allowed port.
#pragma once

#include <chrono>

#include "core/limits.hpp"
#include "core/net/stream.hpp"
#include "http/proxy/proxy.hpp"

namespace layer7::http::proxy {

struct ConnectionOptions {
    core::Limits limits;                      // max_line → request line, max_header, max_message → body
    std::chrono::seconds header_timeout{30};  // whole head within this, else 408
    std::size_t max_requests = 1000;          // per client connection
};

// Serves one client connection until it closes, times out, errs or becomes a tunnel that ends.
core::awaitable<void> serve_connection(core::Stream& stream, Proxy& proxy, const ConnectionOptions& options);
// CONNECT authority: 403 unless the port is allowed, else 200 and bytes both ways until either closes.
core::awaitable<void> tunnel(core::Stream& client, Proxy& proxy, const Request& request, std::string early,
                             std::chrono::seconds idle_timeout);

}  // namespace layer7::http::proxy
