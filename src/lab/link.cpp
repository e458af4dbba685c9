#include "lab/link.hpp"

#include <algorithm>
#include <cmath>

namespace layer7::lab {

std::optional<std::string> validate(const LinkSpec& spec)
{
    if (spec.delay < Duration::zero())
        return "the delay must not be negative";
    if (spec.delay > std::chrono::seconds(60))
        return "the delay must be at most 60 s";
    if (!(spec.rate_bps >= 0) || std::isinf(spec.rate_bps))
        return "the rate must be positive (or 0 for no limit)";
    if (!(spec.loss >= 0 && spec.loss < 1))
        return "the loss must be at least 0 and below 1";
    if (spec.queue_bytes < segment_bytes)
        return "the queue must hold at least one packet (" + std::to_string(segment_bytes) + " bytes)";
    return std::nullopt;
}

Link::Link(LinkSpec spec, std::uint64_t seed) : spec_(spec), rng_(seed) {}

bool Link::lose()
{
    if (spec_.loss <= 0)
        return false;
    return std::uniform_real_distribution<double>(0, 1)(rng_) < spec_.loss;
}

Duration Link::serialization(std::size_t size) const
{
    if (spec_.rate_bps <= 0)
        return Duration::zero();
    const auto seconds = static_cast<double>(size) * 8 / spec_.rate_bps;
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

Time Link::transmit(Time now, std::size_t size)
{
    bytes_ += size;
    free_at_ = std::max(now, free_at_) + serialization(size);
    return free_at_;
}

std::size_t Link::backlog(Time now) const
{
    if (spec_.rate_bps <= 0 || free_at_ <= now)
        return 0;
    const double seconds = std::chrono::duration<double>(free_at_ - now).count();
    return static_cast<std::size_t>(seconds * spec_.rate_bps / 8);
}

std::optional<Time> Link::datagram(Time now, std::size_t size)
{
    if (backlog(now) + size > spec_.queue_bytes || lose()) {
        ++lost_;
        return std::nullopt;
    }
    return transmit(now, size) + spec_.delay;
}

Time Link::stream(Time now, std::size_t size)
{
    Time last{};
    for (std::size_t sent = 0; sent < size; sent += segment_bytes) {
        const std::size_t n = std::min(segment_bytes, size - sent);
        Time arrival = transmit(now, n) + spec_.delay;
        if (lose()) {
            // Missed one round trip after it should have arrived, then sent again (the resend is
            // not queued behind later segments: TCP sends it first).
            ++lost_;
            arrival += 2 * spec_.delay + serialization(n);
        }
        last = std::max(last, arrival);
    }
    return last;
}

}  // namespace layer7::lab
