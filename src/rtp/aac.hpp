// AAC over RTP, RFC 3640 mode AAC-hbr: each payload starts with AU-headers-length (bits) and one
// 16-bit AU-header per access unit (13-bit size, 3-bit index). We send one AU per packet and
// fragment an AU bigger than a packet (§3.2.3: each fragment repeats the whole AU's size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::rtp::aac {

// The payloads that carry one AU (raw AAC frame), each at most `max_payload` bytes.
std::vector<std::vector<std::uint8_t>> packetize(std::span<const std::uint8_t> au, std::size_t max_payload);
// The AUs of one AAC-hbr payload (whole ones only; fragments are not reassembled), or nothing.
std::vector<std::span<const std::uint8_t>> depacketize(std::span<const std::uint8_t> payload);
// The fmtp parameters for an AudioSpecificConfig (RFC 3640 §4.1).
std::string fmtp(std::span<const std::uint8_t> audio_specific_config);
// The AudioSpecificConfig an fmtp line's config= names (hex), or nothing when it has none.
std::vector<std::uint8_t> audio_specific_config(std::string_view fmtp_line);

}  // namespace layer7::rtp::aac
