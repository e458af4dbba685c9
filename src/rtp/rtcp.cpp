// RTCP: see rtcp.hpp.
#include "rtp/rtcp.hpp"

#include <algorithm>

#include "core/bytes/wire_reader.hpp"
#include "core/bytes/wire_writer.hpp"

namespace layer7::rtp {

const char* to_string(RtcpError e)
{
    switch (e) {
    case RtcpError::too_short: return "RTCP packet too short";
    case RtcpError::bad_version: return "RTCP version is not 2";
    case RtcpError::bad_count: return "RTCP count does not fit the length";
    case RtcpError::bad_padding: return "RTCP padding longer than the packet";
    }
    return "?";
}

namespace {

constexpr std::size_t block_size = 24;
constexpr std::size_t max_count = 31;  // a 5-bit field

ReportBlock read_block(core::WireReader& r)
{
    ReportBlock b;
    b.ssrc = r.u32();
    const std::uint32_t lost = r.u32();
    b.fraction_lost = static_cast<std::uint8_t>(lost >> 24);
    const std::uint32_t cumulative = lost & 0xffffff;
    // sign-extend the 24-bit field
    b.cumulative_lost = (cumulative & 0x800000) ? static_cast<std::int32_t>(cumulative) - 0x1000000
                                                : static_cast<std::int32_t>(cumulative);
    b.highest_sequence = r.u32();
    b.jitter = r.u32();
    b.last_sr = r.u32();
    b.delay_since_last_sr = r.u32();
    return b;
}

void write_block(core::WireWriter& w, const ReportBlock& b)
{
    std::int32_t lost = std::clamp(b.cumulative_lost, -0x800000, 0x7fffff);
    w.u32(b.ssrc);
    w.u32(static_cast<std::uint32_t>(b.fraction_lost) << 24 | (static_cast<std::uint32_t>(lost) & 0xffffff));
    w.u32(b.highest_sequence);
    w.u32(b.jitter);
    w.u32(b.last_sr);
    w.u32(b.delay_since_last_sr);
}

core::Result<std::vector<ReportBlock>, RtcpError> read_blocks(core::WireReader& r, std::size_t count)
{
    if (count * block_size > r.remaining())
        return core::fail(RtcpError::bad_count);
    std::vector<ReportBlock> blocks;
    for (std::size_t i = 0; i < count; ++i)
        blocks.push_back(read_block(r));
    return blocks;  // profile-specific extensions after the blocks are ignored (§6.4.1)
}

core::Result<Sdes, RtcpError> read_sdes(core::WireReader& r, std::size_t count)
{
    Sdes sdes;
    for (std::size_t i = 0; i < count; ++i) {
        if (r.remaining() < 4)
            return core::fail(RtcpError::bad_count);
        SdesChunk chunk;
        chunk.ssrc = r.u32();
        std::size_t used = 0;  // bytes of items, for the 32-bit alignment of the chunk's end
        for (;;) {
            const std::uint8_t type = r.u8();
            ++used;
            if (!r.ok())
                return core::fail(RtcpError::too_short);
            if (type == 0) {  // END: then null octets up to the next 32-bit boundary
                while (used % 4 != 0) {
                    r.u8();
                    ++used;
                }
                break;
            }
            const std::uint8_t length = r.u8();
            auto text = r.bytes(length);
            used += 1 + length;
            if (!r.ok())
                return core::fail(RtcpError::too_short);
            chunk.items.push_back({type, std::string(text.begin(), text.end())});
        }
        if (!r.ok())
            return core::fail(RtcpError::too_short);
        sdes.chunks.push_back(std::move(chunk));
    }
    return sdes;
}

core::Result<RtcpPacket, RtcpError> read_packet(std::uint8_t type, std::uint8_t count,
                                                std::span<const std::uint8_t> body)
{
    core::WireReader r(body);
    switch (type) {
    case rtcp_sr: {
        SenderReport sr;
        sr.ssrc = r.u32();
        sr.ntp_time = static_cast<std::uint64_t>(r.u32()) << 32;
        sr.ntp_time |= r.u32();
        sr.rtp_time = r.u32();
        sr.packet_count = r.u32();
        sr.octet_count = r.u32();
        if (!r.ok())
            return core::fail(RtcpError::too_short);
        auto blocks = read_blocks(r, count);
        if (!blocks)
            return core::fail(blocks.error());
        sr.blocks = std::move(*blocks);
        return RtcpPacket{std::move(sr)};
    }
    case rtcp_rr: {
        ReceiverReport rr;
        rr.ssrc = r.u32();
        if (!r.ok())
            return core::fail(RtcpError::too_short);
        auto blocks = read_blocks(r, count);
        if (!blocks)
            return core::fail(blocks.error());
        rr.blocks = std::move(*blocks);
        return RtcpPacket{std::move(rr)};
    }
    case rtcp_sdes: {
        auto sdes = read_sdes(r, count);
        if (!sdes)
            return core::fail(sdes.error());
        return RtcpPacket{std::move(*sdes)};
    }
    case rtcp_bye: {
        Bye bye;
        if (count * 4 > r.remaining())
            return core::fail(RtcpError::bad_count);
        for (std::size_t i = 0; i < count; ++i)
            bye.ssrcs.push_back(r.u32());
        if (r.remaining() > 0) {
            const std::uint8_t length = r.u8();
            auto text = r.bytes(length);
            if (!r.ok())
                return core::fail(RtcpError::too_short);
            bye.reason.assign(text.begin(), text.end());
        }
        return RtcpPacket{std::move(bye)};
    }
    default: return RtcpPacket{OtherRtcp{type, count, std::vector<std::uint8_t>(body.begin(), body.end())}};
    }
}

}  // namespace

core::Result<std::vector<RtcpPacket>, RtcpError> decode_rtcp(std::span<const std::uint8_t> datagram)
{
    std::vector<RtcpPacket> packets;
    core::WireReader r(datagram);
    if (datagram.empty())
        return core::fail(RtcpError::too_short);
    while (!r.at_end()) {
        const std::uint8_t b0 = r.u8();
        const std::uint8_t type = r.u8();
        const std::size_t length = (static_cast<std::size_t>(r.u16()) + 1) * 4;  // in words, minus one
        if (!r.ok() || length - 4 > r.remaining())
            return core::fail(RtcpError::too_short);
        if ((b0 >> 6) != 2)
            return core::fail(RtcpError::bad_version);
        auto body = r.bytes(length - 4);
        if (b0 & 0x20) {  // padding: the last octet counts it (only the last packet may pad)
            if (body.empty() || body.back() == 0 || body.back() > body.size())
                return core::fail(RtcpError::bad_padding);
            body = body.first(body.size() - body.back());
        }
        auto packet = read_packet(type, b0 & 0x1f, body);
        if (!packet)
            return core::fail(packet.error());
        packets.push_back(std::move(*packet));
    }
    return packets;
}

namespace {

struct Encoder {
    core::WireWriter& w;

    std::size_t head(std::uint8_t type, std::size_t count)
    {
        const std::size_t at = w.size();
        w.u8(static_cast<std::uint8_t>(0x80 | std::min(count, max_count)));
        w.u8(type);
        w.u16(0);  // length, patched by finish()
        return at;
    }
    void finish(std::size_t at)
    {
        while ((w.size() - at) % 4 != 0)
            w.u8(0);
        w.patch_u16(at + 2, static_cast<std::uint16_t>((w.size() - at) / 4 - 1));
    }

    void operator()(const SenderReport& sr)
    {
        const auto at = head(rtcp_sr, sr.blocks.size());
        w.u32(sr.ssrc);
        w.u32(static_cast<std::uint32_t>(sr.ntp_time >> 32));
        w.u32(static_cast<std::uint32_t>(sr.ntp_time));
        w.u32(sr.rtp_time);
        w.u32(sr.packet_count);
        w.u32(sr.octet_count);
        for (std::size_t i = 0; i < std::min(sr.blocks.size(), max_count); ++i)
            write_block(w, sr.blocks[i]);
        finish(at);
    }
    void operator()(const ReceiverReport& rr)
    {
        const auto at = head(rtcp_rr, rr.blocks.size());
        w.u32(rr.ssrc);
        for (std::size_t i = 0; i < std::min(rr.blocks.size(), max_count); ++i)
            write_block(w, rr.blocks[i]);
        finish(at);
    }
    void operator()(const Sdes& sdes)
    {
        const auto at = head(rtcp_sdes, sdes.chunks.size());
        for (std::size_t i = 0; i < std::min(sdes.chunks.size(), max_count); ++i) {
            const auto& chunk = sdes.chunks[i];
            const std::size_t start = w.size();
            w.u32(chunk.ssrc);
            for (const auto& item : chunk.items) {
                if (item.type == 0)
                    continue;  // END is written below
                const std::size_t n = std::min<std::size_t>(item.text.size(), 255);
                w.u8(item.type);
                w.u8(static_cast<std::uint8_t>(n));
                w.bytes(std::string_view(item.text).substr(0, n));
            }
            w.u8(0);  // END, then null octets to the 32-bit boundary
            while ((w.size() - start) % 4 != 0)
                w.u8(0);
        }
        finish(at);
    }
    void operator()(const Bye& bye)
    {
        const auto at = head(rtcp_bye, bye.ssrcs.size());
        for (std::size_t i = 0; i < std::min(bye.ssrcs.size(), max_count); ++i)
            w.u32(bye.ssrcs[i]);
        if (!bye.reason.empty()) {
            const std::size_t n = std::min<std::size_t>(bye.reason.size(), 255);
            w.u8(static_cast<std::uint8_t>(n));
            w.bytes(std::string_view(bye.reason).substr(0, n));
        }
        finish(at);
    }
    void operator()(const OtherRtcp& other)
    {
        const auto at = head(other.type, other.count);
        w.bytes(other.body);
        finish(at);
    }
};

}  // namespace

void encode(const RtcpPacket& packet, std::vector<std::uint8_t>& out)
{
    core::WireWriter w;
    std::visit(Encoder{w}, packet);
    const auto& bytes = w.buffer();
    out.insert(out.end(), bytes.begin(), bytes.end());
}

}  // namespace layer7::rtp
