// RelayClock: see relay_clock.hpp.
#include "rtp/relay_clock.hpp"

namespace layer7::rtp {

std::optional<ClockPoint> RelayClock::point() const
{
    if (!latest_ || !publisher_)
        return latest_;
    // RTP timestamps wrap: the signed 32-bit distance from the publisher's SR is what elapsed
    // (B-frames make it negative now and then)
    const auto ticks = static_cast<std::int64_t>(static_cast<std::int32_t>(latest_->rtp_time - publisher_->rtp_time));
    const std::int64_t fraction = ticks * (std::int64_t{1} << 32) / static_cast<std::int64_t>(clock_rate_);
    return ClockPoint{publisher_->ntp_time + static_cast<std::uint64_t>(fraction), latest_->rtp_time};
}

}  // namespace layer7::rtp
