// The request pipeline's depth follows the peer's rate: a second of it, within the bounds.
#include <gtest/gtest.h>

#include "torrent/peer_wire.hpp"
#include "torrent/request_depth.hpp"

namespace layer7::torrent {
namespace {

TEST(RequestDepth, StartsAtItsFirstDepthWithinTheBounds)
{
    EXPECT_EQ(RequestDepth(2, 64, 4, 1.0).depth(), 4u);
    EXPECT_EQ(RequestDepth(8, 64, 4, 1.0).depth(), 8u);
    EXPECT_EQ(RequestDepth(2, 3, 4, 1.0).depth(), 3u);
}

TEST(RequestDepth, ASlowPeerGetsASecondOfItsRatePlusOne)
{
    RequestDepth d(2, 64, 4, 1.0);
    d.on_second(5 * block_size);  // a capped uplink shared by five: 80 KiB/s
    EXPECT_EQ(d.depth(), 6u);
    d.on_second(5 * block_size);
    EXPECT_EQ(d.depth(), 6u);
}

TEST(RequestDepth, GrowsAtOnceWithAFasterSecondAndShrinksByHalves)
{
    RequestDepth d(2, 64, 4, 1.0);
    d.on_second(40 * block_size);
    EXPECT_EQ(d.depth(), 41u);
    d.on_second(0);  // choked: the rate halves each second
    EXPECT_EQ(d.depth(), 21u);
    d.on_second(0);
    EXPECT_EQ(d.depth(), 11u);
    for (int i = 0; i < 20; ++i)
        d.on_second(0);
    EXPECT_EQ(d.depth(), 2u);  // never below the minimum
}

TEST(RequestDepth, AFastLinkIsCappedAtTheMaximum)
{
    RequestDepth d(2, 64, 4, 1.0);
    d.on_second(500u << 20);
    EXPECT_EQ(d.depth(), 64u);
}

TEST(RequestDepth, QueueTimeScalesTheDepth)
{
    RequestDepth d(2, 500, 4, 3.0);
    d.on_second(10 * block_size);
    EXPECT_EQ(d.depth(), 31u);
}

}  // namespace
}  // namespace layer7::torrent
