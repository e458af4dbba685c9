#include "stream/playout.hpp"

#include <gtest/gtest.h>

using namespace layer7::stream;

TEST(StreamPlayout, StartupDelayUntilTheThresholdThenPlays)
{
    PlayoutBuffer b(4);
    EXPECT_EQ(b.advance(0.5), 0);
    b.add(2);
    EXPECT_FALSE(b.playing());
    EXPECT_EQ(b.advance(0.5), 0);
    b.add(2);
    EXPECT_TRUE(b.playing());
    EXPECT_DOUBLE_EQ(b.startup_delay(), 1.0);
    EXPECT_EQ(b.advance(1), 0);
    EXPECT_DOUBLE_EQ(b.level(), 3);
}

TEST(StreamPlayout, RunningDryIsOneStallUntilRefilled)
{
    PlayoutBuffer b(2);
    b.add(2);
    EXPECT_DOUBLE_EQ(b.advance(3), 1);  // 2 s played, then 1 s dry
    EXPECT_EQ(b.stalls(), 1u);
    EXPECT_DOUBLE_EQ(b.advance(0.5), 0.5);  // still stalled
    EXPECT_EQ(b.stalls(), 1u);
    b.add(2);
    EXPECT_TRUE(b.playing());
    EXPECT_DOUBLE_EQ(b.stall_seconds(), 1.5);
    EXPECT_DOUBLE_EQ(b.played(), 2);
}

TEST(StreamPlayout, TheEndPlaysOutWithoutAStall)
{
    PlayoutBuffer b(4);
    b.add(1);
    b.finish();
    b.add(0);
    EXPECT_TRUE(b.playing());
    EXPECT_EQ(b.advance(5), 0);
    EXPECT_EQ(b.stalls(), 0u);
}
