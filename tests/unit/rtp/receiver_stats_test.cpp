#include "rtp/receiver_stats.hpp"

#include <gtest/gtest.h>

namespace layer7::rtp {
namespace {

TEST(ReceiverStats, CountsLossAcrossAWrap)
{
    ReceiverStats s;
    std::uint16_t seq = 65530;
    for (int i = 0; i < 20; ++i, ++seq)
        if (i != 10 && i != 11)  // two lost, after the wrap
            s.on_packet(seq, 0, 0);
    // the first packet is probation (RFC 3550 A.1): counting starts at the second
    EXPECT_EQ(s.expected(), 19);
    EXPECT_EQ(s.lost(), 2);
    EXPECT_EQ(s.extended_max(), (1u << 16) + 13);  // 65530 + 19 wrapped
    const ReportBlock b = s.report(5, 0, 0);
    EXPECT_EQ(b.cumulative_lost, 2);
    EXPECT_EQ(b.fraction_lost, 2 * 256 / 19);
    EXPECT_EQ(s.report(5, 0, 0).fraction_lost, 0);  // a new interval
}

TEST(ReceiverStats, CountsReorderedPacketsAsReceived)
{
    ReceiverStats s;
    for (std::uint16_t seq : {1, 2, 3, 5, 4, 6})
        s.on_packet(seq, 0, 0);
    EXPECT_EQ(s.reordered(), 1u);
    EXPECT_EQ(s.lost(), 0);
}

TEST(ReceiverStats, JitterFollowsA8)
{
    ReceiverStats s;
    // packets 20 ms apart on a 90 kHz clock; every other one arrives 900 ticks late
    for (std::uint32_t i = 0; i < 200; ++i)
        s.on_packet(static_cast<std::uint16_t>(i), i * 1800, i * 1800 + (i % 2) * 900);
    EXPECT_NEAR(s.jitter(), 900, 60);
    ReceiverStats steady;
    for (std::uint32_t i = 0; i < 50; ++i)
        steady.on_packet(static_cast<std::uint16_t>(i), i * 1800, i * 1800 + 77);
    EXPECT_EQ(steady.jitter(), 0);
}

TEST(ReceiverStats, AWildJumpNeedsConfirmation)
{
    ReceiverStats s;
    for (std::uint16_t seq = 100; seq < 105; ++seq)
        s.on_packet(seq, 0, 0);
    EXPECT_FALSE(s.on_packet(30000, 0, 0));  // one stray packet: not counted
    EXPECT_TRUE(s.on_packet(105, 0, 0));
    EXPECT_FALSE(s.on_packet(40000, 0, 0));
    EXPECT_TRUE(s.on_packet(40001, 0, 0));  // two in a row: the sender restarted
    EXPECT_EQ(s.received(), 1u);
}

}  // namespace
}  // namespace layer7::rtp
