// core::Limits: the per-service bounds every protocol enforces (DESIGN.md §6), named and defaulted.
#pragma once

#include <chrono>
#include <cstddef>

namespace layer7::core {

struct Limits {
    std::size_t max_line = 4096;          // one text-protocol line, without CRLF
    std::size_t max_header = 64 * 1024;   // a whole header block (HTTP, RFC 5322)
    std::size_t max_message = 32u << 20;  // one message or request body
    std::size_t max_connections = 10000;  // per service, across all workers
    // Per client address, per service; 0 = no limit. Loopback clients are exempt unless
    // per_client_loopback (Postfix exempts its own networks the same way), so that load tests and
    // programs on the same machine are not capped.
    std::size_t max_per_client = 64;
    bool per_client_loopback = false;
    std::chrono::seconds idle_timeout{300};    // no byte from the peer for this long → close
    std::chrono::seconds total_timeout{3600};  // one connection, start to end
};

}  // namespace layer7::core
