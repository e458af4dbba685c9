// Receiver statistics: see receiver_stats.hpp. The sequence logic follows RFC 3550 A.1.
#include "rtp/receiver_stats.hpp"

#include <algorithm>
#include <cmath>

namespace layer7::rtp {

namespace {
constexpr std::uint32_t seq_mod = 1u << 16;
}

void ReceiverStats::init_sequence(std::uint16_t sequence)
{
    base_seq_ = sequence;
    max_seq_ = sequence;
    bad_seq_ = seq_mod + 1;
    cycles_ = 0;
    received_ = 0;
    received_prior_ = 0;
    expected_prior_ = 0;
    started_ = true;
}

bool ReceiverStats::on_packet(std::uint16_t sequence, std::uint32_t rtp_time, std::uint32_t arrival)
{
    const std::uint16_t udelta = static_cast<std::uint16_t>(sequence - max_seq_);
    if (!started_ || probation_ > 0) {
        // probation: a source is valid once min_sequential packets come in sequence
        if (started_ && sequence == static_cast<std::uint16_t>(max_seq_ + 1)) {
            max_seq_ = sequence;
            if (--probation_ == 0) {
                init_sequence(sequence);
                ++received_;
                last_seq_ = sequence;
                return true;
            }
        } else {
            probation_ = min_sequential - 1;
            max_seq_ = sequence;
            started_ = true;
        }
        return false;
    }
    if (udelta < max_dropout) {
        if (sequence < max_seq_)
            cycles_ += seq_mod;  // wrapped
        max_seq_ = sequence;
    } else if (udelta <= seq_mod - max_misorder) {
        // a very large jump: a restarted sender, or garbage; accept it after a second packet
        if (sequence == bad_seq_) {
            init_sequence(sequence);
        } else {
            bad_seq_ = (static_cast<std::uint32_t>(sequence) + 1) & (seq_mod - 1);
            return false;
        }
    } else {
        // duplicate or out of order, within max_misorder behind the highest
        if (sequence == last_seq_ || sequence == max_seq_)
            ++duplicates_;
        else
            ++reordered_;
    }
    last_seq_ = sequence;
    ++received_;

    // A.8: D(i-1,i) = (Rj - Ri) - (Sj - Si); J += (|D| - J) / 16
    const std::int64_t transit = static_cast<std::int32_t>(arrival - rtp_time);
    if (have_transit_) {
        const double d = std::abs(static_cast<double>(transit - transit_));
        jitter_ += (d - jitter_) / 16.0;
    }
    transit_ = transit;
    have_transit_ = true;
    return true;
}

ReportBlock ReceiverStats::report(std::uint32_t ssrc, std::uint32_t last_sr, std::uint32_t since_last_sr)
{
    ReportBlock b;
    b.ssrc = ssrc;
    const std::int64_t expected_now = expected();
    const std::int64_t lost_total = lost();
    b.cumulative_lost = static_cast<std::int32_t>(std::clamp<std::int64_t>(lost_total, -0x800000, 0x7fffff));
    const std::int64_t expected_interval = expected_now - expected_prior_;
    const std::int64_t received_interval = static_cast<std::int64_t>(received_ - received_prior_);
    const std::int64_t lost_interval = expected_interval - received_interval;
    expected_prior_ = expected_now;
    received_prior_ = received_;
    if (expected_interval > 0 && lost_interval > 0)
        b.fraction_lost =
            static_cast<std::uint8_t>(std::min<std::int64_t>((lost_interval << 8) / expected_interval, 255));
    b.highest_sequence = extended_max();
    b.jitter = static_cast<std::uint32_t>(jitter_);
    b.last_sr = last_sr;
    b.delay_since_last_sr = since_last_sr;
    return b;
}

}  // namespace layer7::rtp
