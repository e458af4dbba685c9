#include "stream/rate_trace.hpp"

#include <gtest/gtest.h>

using namespace layer7::stream;

TEST(StreamRateTrace, StepsFromEachTimeOn)
{
    auto t = RateTrace::parse("# a dip\n0 5000\n6 300\t\n14.5 5000 # back\n\n");
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t->at(0), 5000);
    EXPECT_EQ(t->at(5.9), 5000);
    EXPECT_EQ(t->at(6), 300);
    EXPECT_EQ(t->at(14.4), 300);
    EXPECT_EQ(t->at(100), 5000);
    EXPECT_EQ(RateTrace::fixed(700).at(3), 700);
    EXPECT_EQ(RateTrace().at(3), std::nullopt);
}

TEST(StreamRateTrace, BadLinesAreNamed)
{
    EXPECT_EQ(RateTrace::parse("0 100\n5 x\n").error(), "line 2: expected \"SECONDS KBIT/S\" with a positive rate");
    EXPECT_EQ(RateTrace::parse("0 100\n0 200\n").error(), "line 2: times must increase");
    EXPECT_FALSE(RateTrace::parse("0 0\n"));
    EXPECT_FALSE(RateTrace::parse("-1 10\n"));
    EXPECT_FALSE(RateTrace::parse("# nothing\n"));
}
