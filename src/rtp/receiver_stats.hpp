// What a receiver learns from one source's sequence numbers and arrival times (RFC 3550 A.1, A.3,
// A.8): extended highest sequence, expected/lost, fraction lost per interval, the interarrival
// jitter estimate, and how many packets came late (out of order) or twice. Pure: arrival times are
// passed in, in units of the media clock.
#pragma once

#include <cstdint>

#include "rtp/rtcp.hpp"

namespace layer7::rtp {

class ReceiverStats {
public:
    // A.1's constants: a source is valid after min_sequential in-order packets; a jump over
    // max_dropout ahead or max_misorder behind is a restart (or garbage) to confirm first.
    static constexpr std::uint32_t max_dropout = 3000;
    static constexpr std::uint32_t max_misorder = 100;
    static constexpr std::uint32_t min_sequential = 2;

    // One packet: its sequence number and RTP timestamp, and when it arrived on the media clock.
    // False when the packet is not counted (probation, or a wild jump being confirmed).
    bool on_packet(std::uint16_t sequence, std::uint32_t rtp_time, std::uint32_t arrival);

    std::uint64_t received() const { return received_; }
    std::uint32_t extended_max() const { return cycles_ + max_seq_; }
    std::int64_t expected() const { return started_ ? static_cast<std::int64_t>(extended_max()) - base_seq_ + 1 : 0; }
    std::int64_t lost() const { return expected() - static_cast<std::int64_t>(received_); }
    std::uint64_t reordered() const { return reordered_; }    // arrived after a higher number
    std::uint64_t duplicates() const { return duplicates_; }  // a number seen just before
    // The interarrival jitter J (A.8), in timestamp units.
    double jitter() const { return jitter_; }

    // A report block for this source (A.3), and starts the next interval for fraction_lost.
    // `last_sr` / `since_last_sr` come from the sender's latest SR (0 without one).
    ReportBlock report(std::uint32_t ssrc, std::uint32_t last_sr, std::uint32_t since_last_sr);

private:
    void init_sequence(std::uint16_t sequence);

    bool started_ = false;
    std::uint16_t max_seq_ = 0;
    std::uint32_t cycles_ = 0;  // shifted count of sequence wraps
    std::uint32_t base_seq_ = 0;
    std::uint32_t bad_seq_ = 1u << 16 | 1;  // RTP_SEQ_MOD + 1: no jump pending
    std::uint32_t probation_ = min_sequential;
    std::uint64_t received_ = 0;
    std::int64_t expected_prior_ = 0;
    std::uint64_t received_prior_ = 0;
    std::uint64_t reordered_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint16_t last_seq_ = 0;
    bool have_transit_ = false;
    std::int64_t transit_ = 0;
    double jitter_ = 0;
};

}  // namespace layer7::rtp
