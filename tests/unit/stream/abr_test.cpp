#include "stream/abr.hpp"

#include <gtest/gtest.h>

using namespace layer7::stream;

namespace {
const std::vector<std::uint64_t> ladder{300000, 800000, 2000000};

AbrState state(double buffer, double throughput)
{
    return AbrState{&ladder, buffer, throughput};
}
}  // namespace

TEST(StreamAbr, HarmonicMeanIsPulledDownBySlowSamples)
{
    ThroughputEstimator e(4);
    EXPECT_EQ(e.estimate(), 0);
    e.add(4e6);
    e.add(1e6);
    EXPECT_NEAR(e.estimate(), 1.6e6, 1);
    e.add(0);  // ignored
    for (int i = 0; i < 4; ++i)
        e.add(2e6);
    EXPECT_NEAR(e.estimate(), 2e6, 1);  // the window forgot the old ones
}

TEST(StreamAbr, ThroughputRuleKeepsASafetyMargin)
{
    AbrSettings s;
    EXPECT_EQ(choose_throughput(state(0, 0), s), 0u);  // nothing measured: lowest
    EXPECT_EQ(choose_throughput(state(0, 880000), s), 0u);
    EXPECT_EQ(choose_throughput(state(0, 900000), s), 1u);
    EXPECT_EQ(choose_throughput(state(0, 2222300), s), 2u);
    EXPECT_EQ(choose_throughput(state(0, 1e9), s), 2u);
}

TEST(StreamAbr, ThroughputRuleFollowsATraceThatDropsAndRecovers)
{
    // kbit/s per segment: fast, a dip, fast again.
    const std::vector<double> trace{5000, 5000, 5000, 400, 400, 400, 400, 5000, 5000, 5000, 5000};
    ThroughputEstimator e;
    std::vector<std::size_t> picks;
    for (double kbps : trace) {
        e.add(kbps * 1000);
        picks.push_back(choose_throughput(state(10, e.estimate()), AbrSettings{}));
    }
    EXPECT_EQ(picks[2], 2u);
    EXPECT_EQ(picks[6], 0u);      // down to the lowest in the dip
    EXPECT_EQ(picks.back(), 2u);  // and back up
}

TEST(StreamAbr, BolaClimbsWithTheBuffer)
{
    AbrSettings s;  // min 4 s, target 12 s
    EXPECT_EQ(choose_bola(state(0, 0), s), 0u);
    EXPECT_EQ(choose_bola(state(4, 0), s), 0u);
    EXPECT_EQ(choose_bola(state(12, 0), s), 2u);
    EXPECT_EQ(choose_bola(state(30, 0), s), 2u);
    std::size_t last = 0;
    for (double b = 0; b <= 14; b += 0.5) {  // monotone in the buffer level
        const auto pick = choose_bola(state(b, 0), s);
        EXPECT_GE(pick, last) << b;
        last = pick;
    }
    EXPECT_EQ(choose(AbrKind::bola, state(12, 0), s), 2u);
    EXPECT_EQ(choose(AbrKind::throughput, state(12, 0), s), 0u);
}

TEST(StreamAbr, BolaWithOneRepresentationPicksIt)
{
    const std::vector<std::uint64_t> one{500000};
    AbrState st{&one, 3, 0};
    EXPECT_EQ(choose_bola(st, AbrSettings{}), 0u);
}
