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

std::optional<std::string> validate(const std::vector<RateStep>& steps)
{
    if (steps.empty())
        return "the rate schedule is empty";
    if (steps.front().from != Duration::zero())
        return "the rate schedule must start at 0";
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (!(steps[i].rate_bps > 0) || std::isinf(steps[i].rate_bps))
            return "each rate of the schedule must be positive";
        if (i > 0 && steps[i].from <= steps[i - 1].from)
            return "the schedule's times must ascend";
    }
    return std::nullopt;
}

void Link::schedule(Time origin, std::vector<RateStep> steps)
{
    origin_ = origin;
    steps_ = std::move(steps);
}

std::pair<double, Time> Link::rate_span(Time t) const
{
    if (steps_.empty())
        return {spec_.rate_bps, Time::max()};
    std::size_t i = 0;
    while (i + 1 < steps_.size() && origin_ + steps_[i + 1].from <= t)
        ++i;
    return {steps_[i].rate_bps, i + 1 < steps_.size() ? origin_ + steps_[i + 1].from : Time::max()};
}

double Link::rate_at(Time t) const
{
    return rate_span(t).first;
}

Time Link::finish(Time start, std::size_t size) const
{
    double bits = static_cast<double>(size) * 8;
    Time t = start;
    for (;;) {
        const auto [rate, until] = rate_span(t);
        if (rate <= 0)
            return t;
        const double can = until == Time::max() ? bits : std::chrono::duration<double>(until - t).count() * rate;
        if (bits <= can)
            return t + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(bits / rate));
        bits -= can;
        t = until;
    }
}

Time Link::transmit(Time now, std::size_t size)
{
    bytes_ += size;
    free_at_ = finish(std::max(now, free_at_), size);
    return free_at_;
}

std::size_t Link::backlog(Time now) const
{
    // The bits the transmitter sends from now until it is free.
    double bits = 0;
    for (Time t = now; t < free_at_;) {
        const auto [rate, until] = rate_span(t);
        if (rate <= 0)
            return 0;
        const Time end = std::min(until, free_at_);
        bits += std::chrono::duration<double>(end - t).count() * rate;
        t = end;
    }
    return static_cast<std::size_t>(bits / 8);
}

std::optional<Time> Link::datagram(Time now, std::size_t size)
{
    if (backlog(now) + size > spec_.queue_bytes || lose()) {
        ++lost_;
        return std::nullopt;
    }
    return transmit(now, size) + spec_.delay;
}

std::vector<Time> Link::stream_segments(Time now, std::size_t size)
{
    std::vector<Time> arrivals;
    arrivals.reserve((size + segment_bytes - 1) / segment_bytes);
    for (std::size_t sent = 0; sent < size; sent += segment_bytes) {
        const std::size_t n = std::min(segment_bytes, size - sent);
        Time arrival = transmit(now, n) + spec_.delay;
        if (lose()) {
            // Missed one round trip after it should have arrived, then sent again (the resend is
            // not queued behind later segments: TCP sends it first).
            ++lost_;
            arrival += 2 * spec_.delay + (finish(arrival, n) - arrival);
        }
        arrivals.push_back(arrival);
    }
    return arrivals;
}

Time Link::stream(Time now, std::size_t size)
{
    const auto arrivals = stream_segments(now, size);
    return arrivals.empty() ? Time{} : *std::max_element(arrivals.begin(), arrivals.end());
}

}  // namespace layer7::lab
