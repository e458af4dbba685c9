// The HTTP/1.1 connection shell: reads requests (pipelined ones too), asks the Handler, writes
// replies in order — small bodies gathered into one write, files with sendfile — and enforces
// the keep-alive idle timeout, the header timeout (408) and the requests-per-connection cap.
#pragma once

#include <chrono>

#include "core/limits.hpp"
#include "core/net/stream.hpp"
#include "http/server/access_log.hpp"
#include "http/server/handler.hpp"

namespace layer7::http {

struct ConnectionOptions {
    core::Limits limits;                              // max_line → request line, max_header, max_message → body
    std::chrono::seconds header_timeout{30};          // whole head must arrive within this (408 after)
    std::size_t max_requests = 1000;                  // per connection, as nginx keepalive_requests
    AccessLog* access_log = nullptr;
};

// Serves one connection until the peer closes, a timeout, an error or the request cap.
core::awaitable<void> serve_h1(core::Stream& stream, const Handler& handler, const ConnectionOptions& options);

}  // namespace layer7::http
