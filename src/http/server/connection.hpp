// The HTTP/1.1 connection shell, one for every HTTP service (the origin server, the proxy): it moves
// bytes between the socket and the pure h1::ServerConnection (the connection rules), runs the
// handler for each request with a pulled request body, and writes replies in order — small bodies
// gathered into one write, files with sendfile, sources pulled as the socket takes them — or hands
// the connection to an upgrade.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/limits.hpp"
#include "core/net/stream.hpp"
#include "http/server/access_log.hpp"
#include "http/server/handler.hpp"

namespace layer7::http {

// What a plain-HTTP listener sends a connection it refuses for a connection limit.
inline constexpr const char* busy_reply =
    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

struct ConnectionOptions {
    core::Limits limits;                      // max_line → request line, max_header, max_message → body
    std::chrono::seconds header_timeout{30};  // whole head must arrive within this (408 after)
    std::size_t max_requests = 1000;          // per connection, as nginx keepalive_requests
    AccessLog* access_log = nullptr;
    bool h2c = false;  // a plain connection may become HTTP/2: by the client preface or Upgrade: h2c
    core::BlockingPool* blocking = nullptr;  // handed to the handlers (RequestContext::blocking)
    // A keep-alive wait with nothing of the next request here returns from serve_h1 instead of
    // waiting (see ParkedAt). The caller must then wait for the socket itself.
    bool park = false;
};

// Where serve_h1 left a parked connection, all it needs to take it up again.
struct ParkedAt {
    std::uint32_t served = 0;  // requests answered, for max_requests
    bool started = false;      // bytes came before (no HTTP/2 preface can follow)
};

// Serves one connection until the peer closes, a timeout, an error, the request cap or an upgrade
// ends; with `h2c`, as HTTP/2 when the client starts with its preface or upgrades to h2c.
// With `options.park`, returns where it stopped when the connection went idle between requests:
// then no coroutine, parser or buffer of it is alive. The caller waits for the socket
// (Stream::when_readable) and calls serve_h1 again with that, under the stream's timeout as left.
core::awaitable<std::optional<ParkedAt>> serve_h1(core::Stream& stream, Handler& handler,
                                                  const ConnectionOptions& options, ParkedAt from = {});

}  // namespace layer7::http
