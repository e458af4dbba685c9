// The upload cap's token bucket: a burst after an idle spell, the rate over a long run, turns for
// connections that share it, no credit saved beyond the burst, and no limit at rate 0.
#include <gtest/gtest.h>

#include "torrent/token_bucket.hpp"

namespace layer7::torrent {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;
const Clock::time_point t0 = Clock::time_point{} + 1000s;

TEST(TokenBucket, ABurstGoesAtOnceThenTheRateHolds)
{
    TokenBucket bucket(16384, 16384);  // 16 KiB/s, one block of burst
    EXPECT_EQ(bucket.reserve(t0, 16384), t0);
    // The bucket is empty: the next block waits a second, the one after two.
    EXPECT_EQ(bucket.reserve(t0, 16384), t0 + 1s);
    EXPECT_EQ(bucket.reserve(t0, 16384), t0 + 2s);
}

TEST(TokenBucket, ALongRunSendsAtTheRate)
{
    TokenBucket bucket(1'000'000, 16384);
    Clock::time_point now = t0, last = t0;
    for (int i = 0; i < 1000; ++i) {
        last = bucket.reserve(now, 10'000);
        now = last;  // a sender that sends as soon as it may
    }
    // 10 MB at 1 MB/s: 10 s, less the burst that went at once.
    const double seconds = std::chrono::duration<double>(last - t0).count();
    EXPECT_NEAR(seconds, 10.0 - 0.016384, 1e-6);
}

TEST(TokenBucket, ConnectionsSharingItTakeTurns)
{
    TokenBucket bucket(1000, 1000);
    // Three writers reserve a block each at the same instant: the first goes, then one per second.
    EXPECT_EQ(bucket.reserve(t0, 1000), t0);
    EXPECT_EQ(bucket.reserve(t0, 1000), t0 + 1s);
    EXPECT_EQ(bucket.reserve(t0, 1000), t0 + 2s);
    // Half-way through, a fourth one queues behind them all.
    EXPECT_EQ(bucket.reserve(t0 + 500ms, 1000), t0 + 3s);
}

TEST(TokenBucket, IdleTimeRefillsOnlyUpToTheBurst)
{
    TokenBucket bucket(1000, 2000);
    EXPECT_EQ(bucket.reserve(t0, 2000), t0);
    // An hour idle saves no more than 2000 bytes.
    const auto later = t0 + 3600s;
    EXPECT_EQ(bucket.reserve(later, 2000), later);
    EXPECT_EQ(bucket.reserve(later, 1000), later + 1s);
}

TEST(TokenBucket, APartlyRefilledBucketLetsPartGoAtOnce)
{
    TokenBucket bucket(1000, 1000);
    EXPECT_EQ(bucket.reserve(t0, 1000), t0);
    // 400 ms later 400 bytes are back: 1000 bytes may go 600 ms on.
    EXPECT_EQ(bucket.reserve(t0 + 400ms, 1000), t0 + 1s);
}

TEST(TokenBucket, RateZeroIsNoLimit)
{
    TokenBucket bucket(0, 16384);
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(bucket.reserve(t0, 1 << 20), t0);
}

}  // namespace
}  // namespace layer7::torrent
