#include "rtp/rtcp.hpp"

#include <gtest/gtest.h>

namespace layer7::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Rtcp, CompoundRoundTrip)
{
    SenderReport sr{0x1111, 0x0123456789abcdefull, 90000, 10, 1000, {}};
    ReportBlock block{0x2222, 25, -3, 0x10005, 42, 0x89abcdef, 65536};
    sr.blocks.push_back(block);
    Sdes sdes{{{0x1111, {{1, "layer7@host"}}}}};
    Bye bye{{0x1111}, "done"};
    Bytes wire;
    encode(sr, wire);
    encode(sdes, wire);
    encode(bye, wire);
    EXPECT_EQ(wire.size() % 4, 0u);
    EXPECT_TRUE(looks_like_rtcp(wire));
    auto packets = decode_rtcp(wire);
    ASSERT_TRUE(packets.ok());
    ASSERT_EQ(packets->size(), 3u);
    EXPECT_EQ(std::get<SenderReport>((*packets)[0]), sr);
    EXPECT_EQ(std::get<Sdes>((*packets)[1]), sdes);
    EXPECT_EQ(std::get<Bye>((*packets)[2]), bye);
}

TEST(Rtcp, ReceiverReportFromTheWire)
{
    // RR, one block, as ffmpeg sends it
    const Bytes wire{0x81, 201, 0, 7, 0,    0,    0,    1,     // ssrc 1
                     0,    0,   0, 2, 0x40, 0xff, 0xff, 0xff,  // ssrc 2, 25% lost, cumulative −1
                     0,    1,   0, 5, 0,    0,    0,    9,    0, 0, 0, 0, 0, 0, 0, 0};
    auto packets = decode_rtcp(wire);
    ASSERT_TRUE(packets.ok());
    const auto& rr = std::get<ReceiverReport>(packets->at(0));
    ASSERT_EQ(rr.blocks.size(), 1u);
    EXPECT_EQ(rr.blocks[0].fraction_lost, 0x40);
    EXPECT_EQ(rr.blocks[0].cumulative_lost, -1);
    EXPECT_EQ(rr.blocks[0].highest_sequence, 0x10005u);
    EXPECT_EQ(rr.blocks[0].jitter, 9u);
}

TEST(Rtcp, RejectsCountsAndLengthsThatDoNotFit)
{
    Bytes too_many{0x82, 201, 0, 7, 0, 0, 0, 1};  // two blocks announced, none
    too_many.resize(32);
    EXPECT_FALSE(decode_rtcp(too_many).ok());
    Bytes long_length{0x80, 200, 0, 50, 0, 0, 0, 1};
    EXPECT_EQ(decode_rtcp(long_length).error(), RtcpError::too_short);
    EXPECT_EQ(decode_rtcp(Bytes{}).error(), RtcpError::too_short);
    Bytes unknown{0x80, 206, 0, 1, 1, 2, 3, 4};  // a feedback packet is kept opaque
    auto other = decode_rtcp(unknown);
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(std::get<OtherRtcp>(other->at(0)).type, 206);
}

}  // namespace
}  // namespace layer7::rtp
