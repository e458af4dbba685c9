// One direction of an emulated link, as the lab puts it between a client and a server: a queue in
// front of a transmitter of a chosen rate, the propagation delay, and random loss. Pure: the
// caller passes the time in, so a test can play any schedule.
//
// The transmitter sends at `rate_bps` (a token bucket one packet deep: no burst beyond the line
// rate); what waits for it is the queue, at most `queue_bytes`. A datagram that finds the queue
// full, or that loss picks, is dropped. A stream (the relay ends TCP on both sides, so it carries
// bytes, not the sender's packets) is cut into segments; a lost segment is not gone but arrives
// late, as TCP's fast retransmit would deliver it: one round trip (twice the delay) and one
// transmission later. Later bytes of the same stream wait behind it (the caller keeps
// each stream in order), which is TCP's head-of-line blocking.
//
// The rate may follow a schedule instead (a trace: a rate from each instant on), as a mobile or
// shared link's does; a transmission that spans a change is sent at each rate in turn.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace layer7::lab {

using Clock = std::chrono::steady_clock;  // the type only: times come from the caller
using Time = Clock::time_point;
using Duration = std::chrono::nanoseconds;

struct LinkSpec {
    Duration delay{0};    // one-way propagation delay
    double rate_bps = 0;  // transmitter rate in bits per second; 0: no limit
    std::size_t queue_bytes = 256 * 1024;
    double loss = 0;  // probability that a packet (a stream segment) is lost
};

// The size of a stream segment (an Ethernet MTU's TCP payload with timestamps).
inline constexpr std::size_t segment_bytes = 1448;

// A one-line error for a spec out of range (negative delay, rate below zero, loss not in [0,1)).
std::optional<std::string> validate(const LinkSpec& spec);

// One step of a rate schedule: from `from` (since the schedule's origin) until the next step, the
// transmitter sends at `rate_bps`.
struct RateStep {
    Duration from{0};
    double rate_bps = 0;
};
// A one-line error for a schedule out of range: empty, not starting at 0, not ascending, or a rate
// that is not positive (a schedule has no "no limit").
std::optional<std::string> validate(const std::vector<RateStep>& steps);

class Link {
public:
    Link(LinkSpec spec, std::uint64_t seed);

    // A datagram of `size` bytes offered at `now`: when its last bit reaches the far end, or
    // nullopt when it is dropped (queue full, or lost).
    std::optional<Time> datagram(Time now, std::size_t size);
    // `size` stream bytes offered at `now`: when each of their segments (segment_bytes, the last
    // one shorter) reaches the far end, in the order sent (a lost one may come after later ones).
    std::vector<Time> stream_segments(Time now, std::size_t size);
    // `size` stream bytes offered at `now`: when the last of them reaches the far end.
    Time stream(Time now, std::size_t size);
    // Bytes waiting for the transmitter at `now`.
    std::size_t backlog(Time now) const;
    // When the transmitter will have sent what waits: the stream sender may offer more then.
    Time drained_at() const { return free_at_; }

    const LinkSpec& spec() const { return spec_; }
    // A new spec from now on (what is queued keeps its times).
    void respec(LinkSpec spec) { spec_ = spec; }
    // From now on the rate follows `steps` (validated) from `origin` on, in place of the spec's
    // rate_bps; before `origin` the first step's rate counts, after the last step its rate holds.
    // Empty: the spec's rate again.
    void schedule(Time origin, std::vector<RateStep> steps);
    // The transmitter's rate at `t`, bit/s (0: no limit).
    double rate_at(Time t) const;
    std::uint64_t bytes() const { return bytes_; }
    std::uint64_t lost() const { return lost_; }

private:
    // Queues `size` bytes for the transmitter: when their last bit has left.
    Time transmit(Time now, std::size_t size);
    // When `size` bytes that the transmitter starts on at `start` have left it.
    Time finish(Time start, std::size_t size) const;
    // The rate at `t` and when it next changes (Time::max(): never).
    std::pair<double, Time> rate_span(Time t) const;
    bool lose();

    LinkSpec spec_;
    std::mt19937_64 rng_;
    Time origin_{};
    std::vector<RateStep> steps_;  // empty: spec_.rate_bps
    Time free_at_{};               // the transmitter is busy until then
    std::uint64_t bytes_ = 0, lost_ = 0;
};

}  // namespace layer7::lab
