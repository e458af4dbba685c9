#include "lab/adaptation.hpp"

#include <gtest/gtest.h>

namespace layer7::lab {
namespace {

const std::vector<std::uint64_t> ladder{300'000, 700'000, 1'500'000};

TEST(Adaptation, TheHighestRenditionTheRateAllows)
{
    EXPECT_EQ(highest_within(ladder, 2'400'000), 1'500'000u);
    EXPECT_EQ(highest_within(ladder, 1'500'000), 1'500'000u);  // at the limit: allowed
    EXPECT_EQ(highest_within(ladder, 1'499'999), 700'000u);
    EXPECT_EQ(highest_within(ladder, 400'000), 300'000u);
    EXPECT_EQ(highest_within(ladder, 100'000), 300'000u);                         // none fits: the lowest
    EXPECT_EQ(highest_within({1'500'000, 300'000, 700'000}, 800'000), 700'000u);  // any order
    EXPECT_EQ(highest_within({}, 1e9), 0u);
}

TEST(Adaptation, EachStepCountsItsSegmentsAfterTheSettlingOnes)
{
    // 0–10 s at 2.4 Mbit/s, then 0.45 Mbit/s to the end (20 s); safety 0.9
    const std::vector<Choice> choices{{0.5, 300'000},  {2, 700'000},  {4, 1'500'000}, {6, 1'500'000}, {8, 700'000},
                                      {10, 1'500'000}, {12, 700'000}, {14, 300'000},  {16, 300'000},  {25, 300'000}};
    const auto steps = outcomes({0, 10}, {2.4e6, 0.45e6}, 20, ladder, 0.9, choices, 2);
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].ideal, 1'500'000u);
    EXPECT_EQ(steps[0].segments, 5u);
    EXPECT_EQ(steps[0].settled, 3u);
    EXPECT_EQ(steps[0].matching, 2u);
    EXPECT_DOUBLE_EQ(steps[0].mean_settled, (1'500'000.0 * 2 + 700'000) / 3);
    EXPECT_DOUBLE_EQ(steps[0].until, 10);
    // the last step keeps what comes after the trace's end
    EXPECT_EQ(steps[1].ideal, 300'000u);
    EXPECT_EQ(steps[1].segments, 5u);
    EXPECT_EQ(steps[1].settled, 3u);
    EXPECT_EQ(steps[1].matching, 3u);
    EXPECT_DOUBLE_EQ(steps[1].mean_settled, 300'000);
}

TEST(Adaptation, AStepWithoutSettledSegmentsHasNoMean)
{
    const auto steps = outcomes({0, 10}, {1e6, 2e6}, 20, ladder, 0.9, {{1, 300'000}}, 4);
    EXPECT_EQ(steps[0].segments, 1u);
    EXPECT_EQ(steps[0].settled, 0u);
    EXPECT_EQ(steps[0].mean_settled, 0);
    EXPECT_EQ(steps[1].segments, 0u);
}

}  // namespace
}  // namespace layer7::lab
