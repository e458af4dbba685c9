// TrackReceiver: the player's side of one RTP stream (pure; times are passed in, in µs). Packets
// go through the RFC 3550 statistics into the playout buffer; play() releases what is due, in
// order, and rebuilds the codec's frames from the payloads: H.264 pictures as Annex B (RFC 6184),
// AAC frames (RFC 3640), Opus packets (RFC 7587). It answers the sender's reports with receiver
// reports (loss, jitter, LSR/DLSR) and notices the sender's BYE.
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

enum class Codec { h264, aac, opus, other };
// The codec an m= line's rtpmap names: what a player can rebuild frames of.
Codec codec_of(const Media& media);

// One frame as a file holds it: a whole H.264 access unit (Annex B), an AAC frame, an Opus packet.
struct Frame {
    std::int64_t playout_us = 0;  // when the playout buffer released it: one clock for every track
    bool key = true;              // H.264: holds an IDR picture
    std::string data;
};

class TrackReceiver {
public:
    TrackReceiver(const Media& media, std::int64_t delay_us);

    void on_rtp(std::span<const std::uint8_t> datagram, std::int64_t arrival_us);
    // SR and BYE from the sender; a summary line for --trace per packet in `notes`.
    void on_rtcp(std::span<const std::uint8_t> datagram, std::int64_t arrival_us,
                 std::vector<std::string>* notes = nullptr);
    // Releases every packet due by `now_us`; the frames they complete go to `frames` (if given).
    void play(std::int64_t now_us, std::vector<Frame>* frames);
    // Everything still buffered, at the end, and the last picture even without its marker bit.
    void drain(std::vector<Frame>* frames);

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
    Codec codec() const { return codec_; }
    const std::string& encoding() const { return encoding_; }
    std::uint32_t clock_rate() const { return clock_rate_; }
    // The SPS/PPS of the SDP as Annex B: what a .h264 file starts with.
    const std::string& parameter_sets() const { return parameter_sets_; }

private:
    void finish_picture(std::vector<Frame>& frames);

    std::uint32_t clock_rate_;
    Codec codec_;
    std::string encoding_;
    std::string parameter_sets_;
    Frame picture_;                              // the H.264 access unit being gathered
    std::optional<std::uint32_t> picture_time_;  // its timestamp, while one is open
    rtp::ReceiverStats stats_;
    rtp::PlayoutBuffer buffer_;
    rtp::h264::Depacketizer depacketizer_;
    std::optional<std::uint32_t> ssrc_;
    std::optional<std::uint64_t> last_played_;
    std::uint64_t played_ = 0;
    std::uint32_t last_sr_ = 0;  // middle 32 bits of the last SR's NTP time
    std::int64_t last_sr_arrival_us_ = 0;
    bool ended_ = false;
};

}  // namespace layer7::rtsp
