// H.264 over RTP (RFC 6184): NAL units into single-NAL or FU-A payloads (§5.6, §5.8), and back from
// single-NAL, STAP-A and FU-A payloads into an Annex B byte stream (start codes) ffprobe can read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace layer7::rtp::h264 {

inline constexpr std::uint8_t nal_sps = 7, nal_pps = 8, stap_a = 24, fu_a = 28;

// The RTP payloads that carry one NAL unit (without start code), each at most `max_payload` bytes.
std::vector<std::vector<std::uint8_t>> packetize(std::span<const std::uint8_t> nal, std::size_t max_payload);

// Splits an Annex B byte stream (00 00 01 / 00 00 00 01 start codes) into NAL units; bytes before
// the first start code are dropped.
std::vector<std::span<const std::uint8_t>> split_annex_b(std::span<const std::uint8_t> stream);

// Reassembles NAL units from payloads in sequence order. A lost packet (sequence gap) drops the
// FU-A unit it interrupted rather than emitting a corrupt NAL.
class Depacketizer {
public:
    // Appends the complete NAL units this payload finishes to `annex_b`, each after 00 00 00 01.
    // `gap` says packets were lost just before this one. False for a payload it cannot read.
    bool on_payload(std::span<const std::uint8_t> payload, bool gap, std::string& annex_b);

private:
    std::string fragment_;  // an FU-A unit in progress (header byte included)
    bool in_fragment_ = false;
};

// The profile-level-id and sprop-parameter-sets of an fmtp line (RFC 6184 §8.1) for SPS and PPS.
std::string fmtp(std::span<const std::uint8_t> sps, std::span<const std::uint8_t> pps);
// The NAL units in an fmtp line's sprop-parameter-sets (base64, comma separated), as Annex B.
std::string parameter_sets_annex_b(std::string_view fmtp_line);

}  // namespace layer7::rtp::h264
