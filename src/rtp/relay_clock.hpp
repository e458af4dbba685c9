// RelayClock: what a relay's own RTCP sender report says about a stream it forwards unchanged
// (same SSRC, sequence numbers and timestamps). An SR ties an RTP timestamp to a wallclock (NTP)
// instant; players use that tie to start at once and to line audio up with video (RFC 3550 §6.4.1).
// The relay names the latest packet's timestamp, and for its wallclock takes the publisher's own
// mapping when the publisher sent an SR (so every track keeps the publisher's timeline), else the
// packet's arrival. Pure: arrival times are passed in.
#pragma once

#include <cstdint>
#include <optional>

namespace layer7::rtp {

struct ClockPoint {
    std::uint64_t ntp_time = 0;  // 32.32 seconds since 1900
    std::uint32_t rtp_time = 0;
    bool operator==(const ClockPoint&) const = default;
};

class RelayClock {
public:
    explicit RelayClock(std::uint32_t clock_rate) : clock_rate_(clock_rate == 0 ? 90000 : clock_rate) {}

    void on_packet(std::uint32_t rtp_time, std::uint64_t arrival_ntp) { latest_ = ClockPoint{arrival_ntp, rtp_time}; }
    void on_sender_report(std::uint64_t ntp_time, std::uint32_t rtp_time)
    {
        publisher_ = ClockPoint{ntp_time, rtp_time};
    }
    // The latest packet's timestamp and its wallclock; nullopt until a packet came.
    std::optional<ClockPoint> point() const;

private:
    std::uint32_t clock_rate_;
    std::optional<ClockPoint> latest_;
    std::optional<ClockPoint> publisher_;
};

}  // namespace layer7::rtp
