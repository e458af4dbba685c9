// Retry schedule: doubling from the minimum, capped at the maximum, and the maximum age.
#include <gtest/gtest.h>

#include "mail/delivery/backoff.hpp"

namespace layer7::mail::delivery {
namespace {

TEST(Backoff, DoublesFromTheMinimumUpToTheCap)
{
    RetryPolicy p{std::chrono::seconds(300), std::chrono::seconds(4000), std::chrono::seconds(432000)};
    EXPECT_EQ(retry_delay(p, 0).count(), 300);
    EXPECT_EQ(retry_delay(p, 1).count(), 300);
    EXPECT_EQ(retry_delay(p, 2).count(), 600);
    EXPECT_EQ(retry_delay(p, 3).count(), 1200);
    EXPECT_EQ(retry_delay(p, 4).count(), 2400);
    EXPECT_EQ(retry_delay(p, 5).count(), 4000);
    EXPECT_EQ(retry_delay(p, 1000000).count(), 4000);  // no overflow however many attempts
}

TEST(Backoff, DegeneratePolicies)
{
    EXPECT_EQ(retry_delay({std::chrono::seconds(0), std::chrono::seconds(0), {}}, 3).count(), 1);
    EXPECT_EQ(retry_delay({std::chrono::seconds(10), std::chrono::seconds(5), {}}, 3).count(), 10);
}

TEST(Backoff, ExpiresAtTheMaximumAge)
{
    RetryPolicy p;
    p.max_age = std::chrono::seconds(100);
    EXPECT_FALSE(expired(p, 1000, 1099));
    EXPECT_TRUE(expired(p, 1000, 1100));
    EXPECT_TRUE(expired(p, 1000, 1101));
}

}  // namespace
}  // namespace layer7::mail::delivery
