// RTCP (RFC 3550 §6.4–6.6): sender and receiver reports, SDES, BYE, in compound packets.
// Other types (APP, RTPFB/PSFB feedback, XR) are kept opaque so a relay can skip them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace layer7::rtp {

struct ReportBlock {  // §6.4.1, one per source heard
    std::uint32_t ssrc = 0;
    std::uint8_t fraction_lost = 0;         // lost / expected since the last report, × 256
    std::int32_t cumulative_lost = 0;       // 24-bit signed: duplicates can make it negative
    std::uint32_t highest_sequence = 0;     // extended: cycles << 16 | max seq
    std::uint32_t jitter = 0;               // interarrival jitter in timestamp units
    std::uint32_t last_sr = 0;              // middle 32 bits of the last SR's NTP time
    std::uint32_t delay_since_last_sr = 0;  // in 1/65536 s
    bool operator==(const ReportBlock&) const = default;
};
struct SenderReport {
    std::uint32_t ssrc = 0;
    std::uint64_t ntp_time = 0;  // 32.32 fixed point seconds since 1900
    std::uint32_t rtp_time = 0;  // the same instant on the media clock
    std::uint32_t packet_count = 0;
    std::uint32_t octet_count = 0;
    std::vector<ReportBlock> blocks;
    bool operator==(const SenderReport&) const = default;
};
struct ReceiverReport {
    std::uint32_t ssrc = 0;
    std::vector<ReportBlock> blocks;
    bool operator==(const ReceiverReport&) const = default;
};
struct SdesItem {
    std::uint8_t type = 1;  // 1 CNAME, 2 NAME, … (§6.5)
    std::string text;       // at most 255 bytes
    bool operator==(const SdesItem&) const = default;
};
struct SdesChunk {
    std::uint32_t ssrc = 0;
    std::vector<SdesItem> items;
    bool operator==(const SdesChunk&) const = default;
};
struct Sdes {
    std::vector<SdesChunk> chunks;
    bool operator==(const Sdes&) const = default;
};
struct Bye {
    std::vector<std::uint32_t> ssrcs;
    std::string reason;
    bool operator==(const Bye&) const = default;
};
struct OtherRtcp {  // a type we do not interpret
    std::uint8_t type = 0;
    std::uint8_t count = 0;          // the 5-bit field after P
    std::vector<std::uint8_t> body;  // after the 4-byte header
    bool operator==(const OtherRtcp&) const = default;
};
using RtcpPacket = std::variant<SenderReport, ReceiverReport, Sdes, Bye, OtherRtcp>;

enum class RtcpError {
    too_short,    // a header or length running past the datagram
    bad_version,  // V is not 2
    bad_count,    // more report blocks / chunks / SSRCs than the length holds
    bad_padding,
};
const char* to_string(RtcpError e);

inline constexpr std::uint8_t rtcp_sr = 200, rtcp_rr = 201, rtcp_sdes = 202, rtcp_bye = 203;

// Every packet of a compound datagram, in order. Never reads outside `datagram`.
core::Result<std::vector<RtcpPacket>, RtcpError> decode_rtcp(std::span<const std::uint8_t> datagram);
// Appends one packet (at most 31 report blocks / chunks / SSRCs are written).
void encode(const RtcpPacket& packet, std::vector<std::uint8_t>& out);

// RTP and RTCP on one port (RFC 5761 §4): RTCP's second byte is 192–223 where RTP's would be a
// payload type 64–95 with the marker set, which RTP/AVP never uses.
inline bool looks_like_rtcp(std::span<const std::uint8_t> d)
{
    return d.size() >= 8 && (d[0] >> 6) == 2 && d[1] >= 192 && d[1] <= 223;
}

}  // namespace layer7::rtp
