#include "rtp/packet.hpp"

#include <gtest/gtest.h>

namespace layer7::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(RtpPacket, DecodesTheFixedHeader)
{
    // V=2, M=1, PT=96, seq 0x1234, ts 0x01020304, ssrc 0xdeadbeef, payload "ab"
    const Bytes wire{0x80, 0xe0, 0x12, 0x34, 1, 2, 3, 4, 0xde, 0xad, 0xbe, 0xef, 'a', 'b'};
    auto p = decode(wire);
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(p->marker);
    EXPECT_EQ(p->payload_type, 96);
    EXPECT_EQ(p->sequence, 0x1234);
    EXPECT_EQ(p->timestamp, 0x01020304u);
    EXPECT_EQ(p->ssrc, 0xdeadbeefu);
    EXPECT_EQ(Bytes(p->payload.begin(), p->payload.end()), (Bytes{'a', 'b'}));
    EXPECT_EQ(summary(*p), "RTP pt=96 seq=4660 ts=16909060 ssrc=3735928559 M 2 bytes");
}

TEST(RtpPacket, RoundTripsCsrcsExtensionAndPadding)
{
    const Bytes ext{1, 2, 3, 4}, payload{9, 8, 7};
    Packet p;
    p.payload_type = 97;
    p.sequence = 65535;
    p.timestamp = 90000;
    p.ssrc = 7;
    p.csrcs = {1, 2};
    p.has_extension = true;
    p.extension_profile = 0xbede;
    p.extension = ext;
    p.payload = payload;
    p.padding = 3;
    Bytes wire;
    encode(p, wire);
    EXPECT_EQ(wire.size(), 12u + 8 + 4 + 4 + 3 + 3);
    auto back = decode(wire);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->csrcs, p.csrcs);
    EXPECT_EQ(back->extension_profile, 0xbede);
    EXPECT_EQ(Bytes(back->extension.begin(), back->extension.end()), ext);
    EXPECT_EQ(Bytes(back->payload.begin(), back->payload.end()), payload);
    EXPECT_EQ(back->padding, 3);
}

TEST(RtpPacket, RejectsShortWrongVersionAndBadPadding)
{
    EXPECT_EQ(decode(Bytes(11, 0x80)).error(), PacketError::too_short);
    Bytes v1(12, 0);
    v1[0] = 0x40;
    EXPECT_EQ(decode(v1).error(), PacketError::bad_version);
    Bytes csrc_missing(12, 0);
    csrc_missing[0] = 0x81;  // one CSRC announced, none present
    EXPECT_EQ(decode(csrc_missing).error(), PacketError::too_short);
    Bytes pad(13, 0);
    pad[0] = 0xa0;
    pad[12] = 5;  // 5 bytes of padding in a 1-byte payload
    EXPECT_EQ(decode(pad).error(), PacketError::bad_padding);
    pad[12] = 0;
    EXPECT_EQ(decode(pad).error(), PacketError::bad_padding);
}

}  // namespace
}  // namespace layer7::rtp
