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

TEST(Link, EachSegmentOfAStreamHasItsOwnArrival)
{
    Link link(spec(5ms, 8e6), 1);  // a byte per microsecond
    const auto arrivals = link.stream_segments(t0, 2 * segment_bytes + 4);
    using std::chrono::microseconds;
    EXPECT_EQ(arrivals,
              (std::vector<Time>{t0 + microseconds(segment_bytes) + 5ms, t0 + microseconds(2 * segment_bytes) + 5ms,
                                 t0 + microseconds(2 * segment_bytes + 4) + 5ms}));
}

TEST(Link, RespecKeepsWhatIsQueued)
{
    Link link(spec(10ms, 8e6), 1);
    link.datagram(t0, 1000);
    link.respec(spec(30ms, 8e6));
    EXPECT_EQ(*link.datagram(t0, 1000), t0 + 2ms + 30ms);
}

TEST(LinkSchedule, TheRateFollowsTheStepsFromTheOrigin)
{
    Link link(spec(0ms, 1e6), 1);
    link.schedule(t0, {{0ms, 8e6}, {2s, 4e6}, {5s, 16e6}});
    EXPECT_EQ(link.rate_at(t0 - 1s), 8e6);  // before the origin: the first step's
    EXPECT_EQ(link.rate_at(t0), 8e6);
    EXPECT_EQ(link.rate_at(t0 + 2s - 1ns), 8e6);
    EXPECT_EQ(link.rate_at(t0 + 2s), 4e6);
    EXPECT_EQ(link.rate_at(t0 + 1h), 16e6);  // the last holds
    link.schedule(t0, {});
    EXPECT_EQ(link.rate_at(t0 + 2s), 1e6);  // the spec's again
}

TEST(LinkSchedule, ATransmissionAcrossAChangeIsSentAtEachRateInTurn)
{
    Link link(spec(10ms, 0), 1);
    link.schedule(t0, {{0ms, 8e6}, {1ms, 16e6}});  // 1 byte per microsecond, then 2
    // 1000 bytes in the first millisecond, the other 1000 in half of the next
    EXPECT_EQ(*link.datagram(t0, 2000), t0 + 1500us + 10ms);
    EXPECT_EQ(link.drained_at(), t0 + 1500us);
    // offered after the change: at the new rate only
    EXPECT_EQ(*link.datagram(t0 + 1s, 2000), t0 + 1s + 1ms + 10ms);
}

TEST(LinkSchedule, TheBacklogCountsWhatEachRateStillHasToSend)
{
    Link link(spec(0ms, 0), 1);
    link.schedule(t0, {{0ms, 8e6}, {1ms, 16e6}});
    link.datagram(t0, 3000);  // 1000 bytes in 1 ms, then 2000 in 1 ms: free at t0 + 2 ms
    EXPECT_EQ(link.drained_at(), t0 + 2ms);
    EXPECT_EQ(link.backlog(t0), 3000u);
    EXPECT_EQ(link.backlog(t0 + 500us), 2500u);
    EXPECT_EQ(link.backlog(t0 + 1500us), 1000u);
    EXPECT_EQ(link.backlog(t0 + 2ms), 0u);
}

TEST(LinkSchedule, AStreamSlowsDownWhenTheRateDrops)
{
    Link link(spec(0ms, 0), 1);
    link.schedule(t0, {{0ms, 80e6}, {1ms, 8e6}});  // 10 bytes per microsecond, then 1
    // 20 000 bytes: 10 000 in the first millisecond, 10 000 more at a tenth of the rate
    EXPECT_EQ(link.stream(t0, 20'000), t0 + 1ms + 10ms);
}

TEST(LinkSchedule, ValidateNamesWhatIsOutOfRange)
{
    EXPECT_FALSE(validate(std::vector<RateStep>{{0ms, 1e6}, {1s, 2e6}}));
    EXPECT_TRUE(validate(std::vector<RateStep>{}));
    EXPECT_TRUE(validate(std::vector<RateStep>{{1s, 1e6}}));
    EXPECT_TRUE(validate(std::vector<RateStep>{{0ms, 1e6}, {0ms, 2e6}}));
    EXPECT_TRUE(validate(std::vector<RateStep>{{0ms, 0}}));
    EXPECT_TRUE(validate(std::vector<RateStep>{{0ms, -1e6}}));
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
