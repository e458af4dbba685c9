#include "rtp/playout_buffer.hpp"

#include <gtest/gtest.h>

namespace layer7::rtp {
namespace {

TEST(PlayoutBuffer, ReleasesWithTheSendersSpacingAfterTheDelay)
{
    PlayoutBuffer b(90000, 100'000);  // 100 ms
    // sent 10 ms apart (900 ticks), arriving with jitter
    EXPECT_EQ(b.push(1, 0, false, {1}, 0), PlayoutBuffer::Push::queued);
    EXPECT_EQ(b.push(3, 1800, false, {3}, 15'000), PlayoutBuffer::Push::queued);
    EXPECT_EQ(b.push(2, 900, false, {2}, 40'000), PlayoutBuffer::Push::queued);  // reordered
    EXPECT_EQ(b.level(), 3u);
    EXPECT_TRUE(b.pop_due(99'999).empty());
    auto first = b.pop_due(100'000);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].payload[0], 1);
    EXPECT_EQ(*b.next_due(), 110'000);
    auto rest = b.pop_due(120'000);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest[0].payload[0], 2);
    EXPECT_EQ(rest[1].payload[0], 3);
}

TEST(PlayoutBuffer, DropsPacketsThatArriveAfterTheirTime)
{
    PlayoutBuffer b(90000, 50'000);
    EXPECT_EQ(b.push(10, 0, false, {}, 0), PlayoutBuffer::Push::queued);
    EXPECT_EQ(b.push(12, 1800, false, {}, 1000), PlayoutBuffer::Push::queued);
    b.pop_due(80'000);  // 10 and 12 played; 11 is gone for good
    EXPECT_EQ(b.push(11, 900, false, {}, 81'000), PlayoutBuffer::Push::late);
    EXPECT_EQ(b.push(13, 2700, false, {}, 200'000), PlayoutBuffer::Push::late);  // due at 80 ms
    EXPECT_EQ(b.late_drops(), 2u);
    EXPECT_EQ(b.push(14, 3600, false, {}, 81'000), PlayoutBuffer::Push::queued);
    EXPECT_EQ(b.push(14, 3600, false, {}, 81'000), PlayoutBuffer::Push::duplicate);
}

TEST(PlayoutBuffer, ExtendsSequenceNumbersAcrossTheWrap)
{
    PlayoutBuffer b(8000, 0);
    b.push(65535, 0, false, {}, 0);
    EXPECT_EQ(b.extend(0), b.extend(65535) + 1);
    EXPECT_EQ(b.extend(65534), b.extend(65535) - 1);
}

TEST(PlayoutBuffer, IsBounded)
{
    PlayoutBuffer b(90000, 1'000'000, 2);
    b.push(1, 0, false, {}, 0);
    b.push(2, 0, false, {}, 0);
    EXPECT_EQ(b.push(3, 0, false, {}, 0), PlayoutBuffer::Push::full);
}

}  // namespace
}  // namespace layer7::rtp
