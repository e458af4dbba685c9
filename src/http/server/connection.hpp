// The HTTP/1.1 connection shell, one for every HTTP service (the origin server, the proxy): it moves
// bytes between the socket and the pure h1::ServerConnection (the connection rules), runs the
// handler for each request with a pulled request body, and writes replies in order — small bodies
// gathered into one write, files with sendfile, sources pulled as the socket takes them — or hands
// the connection to an upgrade.
#pragma once

#include <chrono>

#include "core/limits.hpp"
#include "core/net/stream.hpp"
#include "http/server/access_log.hpp"
#include "http/server/handler.hpp"

namespace layer7::http {

// What a plain-HTTP listener sends a connection it refuses for a connection limit.
inline constexpr const char* busy_reply =
    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

struct ConnectionOptions {
    core::Limits limits;                              // max_line → request line, max_header, max_message → body
    std::chrono::seconds header_timeout{30};          // whole head must arrive within this (408 after)
    std::size_t max_requests = 1000;                  // per connection, as nginx keepalive_requests
    AccessLog* access_log = nullptr;
    bool h2c = false;  // a plain connection may become HTTP/2: by the client preface or Upgrade: h2c
    core::BlockingPool* blocking = nullptr;  // handed to the handlers (RequestContext::blocking)
};

// Serves one connection until the peer closes, a timeout, an error, the request cap or an upgrade
// ends; with `h2c`, as HTTP/2 when the client starts with its preface or upgrades to h2c.
core::awaitable<void> serve_h1(core::Stream& stream, Handler& handler, const ConnectionOptions& options);

}  // namespace layer7::http
