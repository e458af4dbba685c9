// TrackReceiver: the player's side of one RTP stream (pure; times are passed in, in µs). Packets
// go through the RFC 3550 statistics into the playout buffer; play() releases what is due, in
// order, and rebuilds H.264 as Annex B. It answers the sender's reports with receiver reports
// (loss, jitter, LSR/DLSR) and notices the sender's BYE.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rtp/h264.hpp"
#include "rtp/playout_buffer.hpp"
#include "rtp/receiver_stats.hpp"
#include "rtsp/sdp.hpp"

namespace layer7::rtsp {

class TrackReceiver {
public:
    TrackReceiver(const Media& media, std::int64_t delay_us);

    void on_rtp(std::span<const std::uint8_t> datagram, std::int64_t arrival_us);
    // SR and BYE from the sender; a summary line for --trace per packet in `notes`.
    void on_rtcp(std::span<const std::uint8_t> datagram, std::int64_t arrival_us, std::vector<std::string>* notes = nullptr);
    // Releases every packet due by `now_us`; H.264 NAL units are appended to `annex_b` (if given).
    void play(std::int64_t now_us, std::string* annex_b);
    // Everything still buffered, at the end.
    void drain(std::string* annex_b) { play(INT64_MAX, annex_b); }

    struct Counters {
        std::uint64_t received = 0;
        std::int64_t lost = 0;
        std::uint64_t reordered = 0;
        double jitter_ms = 0;
        std::size_t buffered = 0;
        std::uint64_t late = 0;
        std::uint64_t played = 0;
    };
    Counters counters() const;
    // An RTCP RR (+ SDES CNAME) about this source; empty before the first packet.
    std::vector<std::uint8_t> receiver_report(std::uint32_t our_ssrc, std::int64_t now_us);
    bool ended() const { return ended_; }
    bool is_h264() const { return h264_; }
    const std::string& encoding() const { return encoding_; }
    std::uint32_t clock_rate() const { return clock_rate_; }
    // The SPS/PPS of the SDP as Annex B: what a .h264 file starts with.
    const std::string& parameter_sets() const { return parameter_sets_; }

private:
    std::uint32_t clock_rate_;
    std::string encoding_;
    bool h264_ = false;
    std::string parameter_sets_;
    rtp::ReceiverStats stats_;
    rtp::PlayoutBuffer buffer_;
    rtp::h264::Depacketizer depacketizer_;
    std::optional<std::uint32_t> ssrc_;
    std::optional<std::uint64_t> last_played_;
    std::uint64_t played_ = 0;
    std::uint32_t last_sr_ = 0;            // middle 32 bits of the last SR's NTP time
    std::int64_t last_sr_arrival_us_ = 0;
    bool ended_ = false;
};

}  // namespace layer7::rtsp
