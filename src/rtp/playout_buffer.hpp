// The receiver's playout buffer (the textbook's "playback buffer"): packets wait until their
// playout time = the first packet's arrival + (timestamp − first timestamp) / clock rate + delay,
// so they leave with the spacing they were sent with and network jitter up to `delay` is undone.
// A packet that arrives after its playout time, or after a later packet was played, is dropped as
// late. Pure: times are microseconds on a clock the caller reads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace layer7::rtp {

class PlayoutBuffer {
public:
    struct Entry {
        std::uint64_t sequence = 0;  // extended (wraps counted)
        std::uint32_t rtp_time = 0;
        bool marker = false;
        std::int64_t playout_us = 0;
        std::vector<std::uint8_t> payload;
    };
    enum class Push { queued, late, duplicate, full };

    PlayoutBuffer(std::uint32_t clock_rate, std::int64_t delay_us, std::size_t max_packets = 4096)
        : clock_rate_(clock_rate), delay_us_(delay_us), max_packets_(max_packets)
    {
    }

    // Extends a 16-bit sequence number relative to the highest seen (RFC 3550 A.1's cycles).
    std::uint64_t extend(std::uint16_t sequence);
    Push push(std::uint16_t sequence, std::uint32_t rtp_time, bool marker, std::vector<std::uint8_t> payload,
              std::int64_t arrival_us);
    // Every packet whose playout time has come, in sequence order; `gap` tells the caller a
    // sequence number was skipped before an entry.
    std::vector<Entry> pop_due(std::int64_t now_us);
    // When the next packet is due, if any.
    std::optional<std::int64_t> next_due() const;
    std::size_t level() const { return packets_.size(); }
    std::uint64_t late_drops() const { return late_; }
    std::int64_t delay_us() const { return delay_us_; }
    // The sequence number played last (its successor is the expected next), if any.
    std::optional<std::uint64_t> last_played() const { return last_played_; }

private:
    std::int64_t playout_time(std::uint32_t rtp_time) const;

    std::uint32_t clock_rate_;
    std::int64_t delay_us_;
    std::size_t max_packets_;
    std::map<std::uint64_t, Entry> packets_;  // by extended sequence
    std::optional<std::uint64_t> highest_;
    std::optional<std::uint64_t> last_played_;
    bool anchored_ = false;
    std::int64_t base_arrival_us_ = 0;
    std::uint32_t base_rtp_ = 0;
    std::uint64_t late_ = 0;
};

}  // namespace layer7::rtp
