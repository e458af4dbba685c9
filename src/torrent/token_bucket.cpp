#include "torrent/token_bucket.hpp"

#include <algorithm>

namespace layer7::torrent {

TokenBucket::TokenBucket(double bytes_per_second, std::size_t burst_bytes) : rate_(bytes_per_second)
{
    burst_ = rate_ > 0 ? time_for(static_cast<double>(burst_bytes)) : Clock::duration{0};
}

TokenBucket::Clock::duration TokenBucket::time_for(double bytes) const
{
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(bytes / rate_));
}

TokenBucket::Clock::time_point TokenBucket::reserve(Clock::time_point now, std::size_t bytes)
{
    if (rate_ <= 0)
        return now;
    // An idle bucket is full at `now` and no fuller: time not spent sending is not saved. The
    // bytes may go once the bucket holds them, i.e. once what is reserved, them included, is
    // within a burst of having drained.
    drained_ = std::max(drained_, now) + time_for(static_cast<double>(bytes));
    return std::max(now, drained_ - burst_);
}

}  // namespace layer7::torrent
