// Retry schedule: see backoff.hpp.
#include "mail/delivery/backoff.hpp"

#include <algorithm>

namespace layer7::mail::delivery {

std::chrono::seconds retry_delay(const RetryPolicy& policy, std::uint32_t failed)
{
    const auto min = std::max<std::int64_t>(policy.min_backoff.count(), 1);
    const auto max = std::max<std::int64_t>(policy.max_backoff.count(), min);
    std::int64_t delay = min;
    for (std::uint32_t i = 1; i < failed && delay < max; ++i)
        delay *= 2;  // stops doubling at the cap, so it cannot overflow
    return std::chrono::seconds(std::min(delay, max));
}

bool expired(const RetryPolicy& policy, std::int64_t arrival, std::int64_t now)
{
    return now - arrival >= policy.max_age.count();
}

}  // namespace layer7::mail::delivery
