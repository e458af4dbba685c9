#include "lab/link.hpp"

#include <gtest/gtest.h>

namespace layer7::lab {
namespace {

using namespace std::chrono_literals;

const Time t0 = Time{} + 1h;

LinkSpec spec(Duration delay, double rate_bps, double loss = 0, std::size_t queue = 256 * 1024)
{
    LinkSpec s;
    s.delay = delay;
    s.rate_bps = rate_bps;
    s.loss = loss;
    s.queue_bytes = queue;
    return s;
}

TEST(Link, WithoutARateOnlyTheDelayCounts)
{
    Link link(spec(50ms, 0), 1);
    EXPECT_EQ(link.stream(t0, 1'000'000), t0 + 50ms);
    EXPECT_EQ(*link.datagram(t0, 1500), t0 + 50ms);
    EXPECT_EQ(link.backlog(t0), 0u);
}

TEST(Link, TheTransmitterSendsAtTheRateAndQueuesWhatComesMeanwhile)
{
    Link link(spec(10ms, 8e6), 1);  // 1 byte per microsecond
    EXPECT_EQ(*link.datagram(t0, 1000), t0 + 1ms + 10ms);
    // offered while the first is on the wire: waits for it
    EXPECT_EQ(*link.datagram(t0, 1000), t0 + 2ms + 10ms);
    EXPECT_EQ(link.backlog(t0), 2000u);
    EXPECT_EQ(link.backlog(t0 + 1500us), 500u);
    EXPECT_EQ(link.drained_at(), t0 + 2ms);
    // an idle transmitter starts at once
    EXPECT_EQ(*link.datagram(t0 + 1s, 500), t0 + 1s + 500us + 10ms);
    EXPECT_EQ(link.bytes(), 2500u);
}

TEST(Link, ADatagramThatFindsTheQueueFullIsDropped)
{
    Link link(spec(0ms, 8e6, 0, 3000), 1);
    EXPECT_TRUE(link.datagram(t0, 1500));
    EXPECT_TRUE(link.datagram(t0, 1500));
    EXPECT_FALSE(link.datagram(t0, 1500));
    EXPECT_EQ(link.lost(), 1u);
    EXPECT_TRUE(link.datagram(t0 + 1500us, 1500));  // room again once one has gone
}

TEST(Link, LossDropsDatagramsAtTheGivenRate)
{
    Link link(spec(0ms, 0, 0.25), 7);
    int delivered = 0;
    for (int i = 0; i < 10000; ++i)
        delivered += link.datagram(t0, 100) ? 1 : 0;
    EXPECT_NEAR(delivered, 7500, 200);
}

TEST(Link, TheSameSeedLosesTheSamePackets)
{
    Link a(spec(0ms, 0, 0.5), 42), b(spec(0ms, 0, 0.5), 42);
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(a.datagram(t0, 10).has_value(), b.datagram(t0, 10).has_value());
}

TEST(Link, ALostStreamSegmentArrivesARoundTripAndATransmissionLate)
{
    Link link(spec(20ms, 8e6 * 1448, 0.999999), 1);  // one segment per microsecond, always lost
    // sent at t0+1us, due at +20ms, missed: one round trip and one transmission later
    EXPECT_EQ(link.stream(t0, segment_bytes), t0 + 1us + 20ms + 40ms + 1us);
    EXPECT_EQ(link.lost(), 1u);
}

TEST(Link, AStreamCrossesSegmentBySegment)
{
    Link link(spec(5ms, 8e6), 1);
    EXPECT_EQ(link.stream(t0, 3 * segment_bytes + 4), t0 + std::chrono::microseconds(3 * segment_bytes + 4) + 5ms);
}

TEST(Link, RespecKeepsWhatIsQueued)
{
    Link link(spec(10ms, 8e6), 1);
    link.datagram(t0, 1000);
    link.respec(spec(30ms, 8e6));
    EXPECT_EQ(*link.datagram(t0, 1000), t0 + 2ms + 30ms);
}

TEST(Link, ValidateNamesWhatIsOutOfRange)
{
    EXPECT_FALSE(validate(spec(0ms, 0)));
    EXPECT_TRUE(validate(spec(-1ms, 0)));
    EXPECT_TRUE(validate(spec(0ms, -1)));
    EXPECT_TRUE(validate(spec(0ms, 0, 1)));
    EXPECT_TRUE(validate(spec(0ms, 0, -0.1)));
    EXPECT_TRUE(validate(spec(0ms, 0, 0, 100)));
    EXPECT_TRUE(validate(spec(0ms, std::numeric_limits<double>::quiet_NaN())));
}

}  // namespace
}  // namespace layer7::lab
