// The HTTP/2 connection shell: moves bytes between the socket and the pure h2::ServerSession, runs
// the same handlers the HTTP/1.1 shell runs — one coroutine per stream, all interleaved on one
// connection — and feeds their replies to the session as the flow-control windows open.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/net/stream.hpp"
#include "http/server/connection.hpp"
#include "http/server/handler.hpp"

namespace layer7::http {

// What a client sends first on an HTTP/2 connection (RFC 9113 §3.4).
inline constexpr std::string_view h2_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// h2c by Upgrade (RFC 7540 §3.2): the HTTP/1.1 request to answer on stream 1, and the decoded
// HTTP2-Settings payload.
struct H2Upgrade {
    Request request;
    std::string settings;
};

// Serves an HTTP/2 connection: after ALPN "h2", after the client preface on a plain connection
// (`already_read` holds the bytes read so far), or after a 101 to `Upgrade: h2c`.
core::awaitable<void> serve_h2(core::Stream& stream, Handler& handler, const ConnectionOptions& options,
                               std::string already_read, std::optional<H2Upgrade> upgrade = std::nullopt);

}  // namespace layer7::http
