// RTP data packets (RFC 3550 §5.1): the fixed header, CSRCs, the header extension and padding.
// decode() views into the datagram; encode() appends a header and payload to a buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace layer7::rtp {

inline constexpr std::size_t header_size = 12;  // without CSRCs and extension

struct Packet {
    bool marker = false;
    std::uint8_t payload_type = 0;  // 7 bits
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::vector<std::uint32_t> csrcs;  // at most 15
    bool has_extension = false;
    std::uint16_t extension_profile = 0;      // §5.3.1 "defined by profile"
    std::span<const std::uint8_t> extension;  // a multiple of 4 bytes
    std::span<const std::uint8_t> payload;    // padding removed
    std::uint8_t padding = 0;                 // padding bytes that followed the payload
};

enum class PacketError {
    too_short,    // shorter than the header, its CSRCs or its extension
    bad_version,  // V is not 2
    bad_padding,  // the padding count is 0 or longer than the packet (§5.1 P)
};
const char* to_string(PacketError e);

// Never reads outside `datagram`; the spans in the result view into it.
core::Result<Packet, PacketError> decode(std::span<const std::uint8_t> datagram);
// Appends the packet to `out` (the extension padded to 32 bits, the padding as zeros + count).
void encode(const Packet& packet, std::vector<std::uint8_t>& out);
// One line for --trace: "RTP pt=96 seq=812 ts=3600 ssrc=42 M 1380 bytes".
std::string summary(const Packet& packet);

// The fields a relay needs without a full decode: 0 when the datagram is not RTP version 2.
inline bool looks_like_rtp(std::span<const std::uint8_t> d)
{
    return d.size() >= header_size && (d[0] >> 6) == 2;
}

}  // namespace layer7::rtp
