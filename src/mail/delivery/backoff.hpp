// Retry schedule of the delivery agent (pure): exponential back-off between a minimum and a
// maximum delay, and a maximum age after which undelivered mail bounces (RFC 5321 §4.5.4.1).
#pragma once

#include <chrono>
#include <cstdint>

namespace layer7::mail::delivery {

struct RetryPolicy {
    std::chrono::seconds min_backoff{300};        // Postfix minimal_backoff_time
    std::chrono::seconds max_backoff{4000};       // Postfix maximal_backoff_time
    std::chrono::seconds max_age{5 * 24 * 3600};  // Postfix maximal_queue_lifetime; §4.5.4.1: 4–5 days
};

// The wait after the `failed`-th failed attempt (1, 2, …): min·2^(failed−1), capped at max.
std::chrono::seconds retry_delay(const RetryPolicy& policy, std::uint32_t failed);
// True when a message that arrived at `arrival` is too old to try again at `now` (seconds).
bool expired(const RetryPolicy& policy, std::int64_t arrival, std::int64_t now);

}  // namespace layer7::mail::delivery
