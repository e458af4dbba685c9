#include "lab/stats.hpp"

#include <gtest/gtest.h>

namespace layer7::lab {
namespace {

TEST(Sample, MeanAndIntervalOfKnownValues)
{
    Sample s;
    for (double v : {10.0, 12.0, 14.0})
        s.add(v);
    EXPECT_DOUBLE_EQ(s.mean(), 12.0);
    // deviation 2, t(2) = 4.303: 4.303 * 2 / sqrt(3)
    EXPECT_NEAR(s.half_width(), 4.9687, 1e-3);
}

TEST(Sample, OneValueHasNoInterval)
{
    Sample s;
    s.add(5);
    EXPECT_EQ(s.half_width(), 0);
}

TEST(Sample, StopsWhenPreciseOrAtTheLimit)
{
    Sample steady;
    for (int i = 0; i < 3; ++i)
        steady.add(100 + i * 0.1);
    EXPECT_TRUE(steady.done(3, 10));
    Sample noisy;
    for (double v : {50.0, 150.0, 100.0})
        noisy.add(v);
    EXPECT_FALSE(noisy.done(3, 10));
    EXPECT_TRUE(noisy.done(3, 3));
    Sample few;
    few.add(1);
    few.add(1);
    EXPECT_FALSE(few.done(3, 10));
}

TEST(Sample, StudentsTFallsToTheNormalQuantile)
{
    EXPECT_DOUBLE_EQ(t95(1), 12.706);
    EXPECT_DOUBLE_EQ(t95(30), 2.042);
    EXPECT_DOUBLE_EQ(t95(100), 1.96);
}

}  // namespace
}  // namespace layer7::lab
