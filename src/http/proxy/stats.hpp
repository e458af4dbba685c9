// Counters for the status page: requests, hits, misses, revalidations, what the origin saw and the
// bytes the cache saved it. Lock-free, shared by every worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "http/cache/store.hpp"

namespace layer7::http::proxy {

struct Stats {
    std::atomic<std::uint64_t> requests{0};         // answered to clients (CONNECT excluded)
    std::atomic<std::uint64_t> hits{0};             // served from the cache without the origin
    std::atomic<std::uint64_t> revalidated{0};      // origin said 304, body from the cache
    std::atomic<std::uint64_t> stale{0};            // served stale: stale-while-revalidate, stale-if-error
    std::atomic<std::uint64_t> background{0};       // background revalidations finished (RFC 5861 §3)
    std::atomic<std::uint64_t> misses{0};           // cacheable method, fetched from the origin
    std::atomic<std::uint64_t> passes{0};           // not cacheable (POST, no-store...), forwarded
    std::atomic<std::uint64_t> collapsed{0};        // misses that waited for another's fetch
    std::atomic<std::uint64_t> origin_requests{0};  // requests we sent upstream
    std::atomic<std::uint64_t> origin_bytes{0};     // body bytes received from upstream
    std::atomic<std::uint64_t> bytes_saved{0};      // body bytes served from the cache
    std::atomic<std::uint64_t> errors{0};           // 502 / 504 / 508 we generated
    std::atomic<std::uint64_t> tunnels{0};          // CONNECT tunnels opened
};

// The status page body: the counters, hit ratio, the origin's share of requests, the store.
std::string status_json(const Stats& stats, const cache::StoreStats& store, std::uint64_t max_bytes);

}  // namespace layer7::http::proxy
