// RTP data packets: see packet.hpp.
#include "rtp/packet.hpp"

#include "core/bytes/wire_reader.hpp"
#include "core/bytes/wire_writer.hpp"

namespace layer7::rtp {

const char* to_string(PacketError e)
{
    switch (e) {
    case PacketError::too_short: return "RTP packet too short";
    case PacketError::bad_version: return "RTP version is not 2";
    case PacketError::bad_padding: return "RTP padding longer than the packet";
    }
    return "?";
}

core::Result<Packet, PacketError> decode(std::span<const std::uint8_t> datagram)
{
    if (datagram.size() < header_size)
        return core::fail(PacketError::too_short);
    core::WireReader r(datagram);
    const std::uint8_t b0 = r.u8();
    const std::uint8_t b1 = r.u8();
    if ((b0 >> 6) != 2)
        return core::fail(PacketError::bad_version);
    Packet p;
    p.marker = (b1 & 0x80) != 0;
    p.payload_type = b1 & 0x7f;
    p.sequence = r.u16();
    p.timestamp = r.u32();
    p.ssrc = r.u32();
    for (int i = 0; i < (b0 & 0x0f); ++i)
        p.csrcs.push_back(r.u32());
    if (b0 & 0x10) {
        p.has_extension = true;
        p.extension_profile = r.u16();
        const std::size_t words = r.u16();
        p.extension = r.bytes(words * 4);
    }
    if (!r.ok())
        return core::fail(PacketError::too_short);
    std::size_t end = datagram.size();
    if (b0 & 0x20) {
        p.padding = datagram.back();
        if (p.padding == 0 || p.padding > end - r.position())
            return core::fail(PacketError::bad_padding);
        end -= p.padding;
    }
    p.payload = datagram.subspan(r.position(), end - r.position());
    return p;
}

void encode(const Packet& packet, std::vector<std::uint8_t>& out)
{
    core::WireWriter w;
    const auto csrcs = static_cast<std::uint8_t>(packet.csrcs.size() & 0x0f);
    w.u8(static_cast<std::uint8_t>(0x80 | (packet.padding ? 0x20 : 0) | (packet.has_extension ? 0x10 : 0) | csrcs));
    w.u8(static_cast<std::uint8_t>((packet.marker ? 0x80 : 0) | (packet.payload_type & 0x7f)));
    w.u16(packet.sequence);
    w.u32(packet.timestamp);
    w.u32(packet.ssrc);
    for (std::size_t i = 0; i < csrcs; ++i)
        w.u32(packet.csrcs[i]);
    if (packet.has_extension) {
        const std::size_t words = (packet.extension.size() + 3) / 4;
        w.u16(packet.extension_profile);
        w.u16(static_cast<std::uint16_t>(words));
        w.bytes(packet.extension);
        for (std::size_t i = packet.extension.size(); i < words * 4; ++i)
            w.u8(0);
    }
    w.bytes(packet.payload);
    if (packet.padding) {
        for (int i = 1; i < packet.padding; ++i)
            w.u8(0);
        w.u8(packet.padding);
    }
    const auto& bytes = w.buffer();
    out.insert(out.end(), bytes.begin(), bytes.end());
}

std::string summary(const Packet& p)
{
    return "RTP pt=" + std::to_string(p.payload_type) + " seq=" + std::to_string(p.sequence) +
           " ts=" + std::to_string(p.timestamp) + " ssrc=" + std::to_string(p.ssrc) + (p.marker ? " M " : " ") +
           std::to_string(p.payload.size()) + " bytes";
}

}  // namespace layer7::rtp
