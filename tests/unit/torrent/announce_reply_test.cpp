// Announce replies as our peer reads them: compact and dictionary peers, peers6, failure reason,
// garbage.
#include <gtest/gtest.h>

#include "torrent/announce_reply.hpp"

namespace layer7::torrent {
namespace {

TEST(AnnounceReply, CompactPeersAndIntervals)
{
    const std::string body = std::string("d8:intervali900e12:min intervali30e5:peers12:") +
                             std::string("\x7f\x00\x00\x01\x1a\xe1\x0a\x00\x00\x02\x00\x50", 12) +
                             "6:peers618:" + std::string(15, '\0') + std::string("\x01\x1a\xe2", 3) + "e";
    auto r = parse_announce_reply(body);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->interval, 900);
    EXPECT_EQ(r->min_interval, 30);
    ASSERT_EQ(r->peers.size(), 3u);
    EXPECT_EQ(r->peers[0].ip, "127.0.0.1");
    EXPECT_EQ(r->peers[0].port, 6881);
    EXPECT_EQ(r->peers[1].ip, "10.0.0.2");
    EXPECT_EQ(r->peers[1].port, 80);
    EXPECT_EQ(r->peers[2].port, 6882);
}

TEST(AnnounceReply, DictionaryPeers)
{
    auto r =
        parse_announce_reply("d8:intervali60e5:peersld2:ip9:127.0.0.17:peer id20:aaaaaaaaaaaaaaaaaaaa4:porti7000eeee");
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r->peers.size(), 1u);
    EXPECT_EQ(r->peers[0].port, 7000);
}

TEST(AnnounceReply, FailuresAndGarbage)
{
    auto failure = parse_announce_reply("d14:failure reason12:unregisterede");
    ASSERT_FALSE(failure);
    EXPECT_EQ(failure.error(), "tracker says: unregistered");
    EXPECT_FALSE(parse_announce_reply("<html>"));
    EXPECT_FALSE(parse_announce_reply("d8:intervali60ee"));               // no peers
    EXPECT_FALSE(parse_announce_reply("d5:peers5:abcdee"));               // not 6 bytes each
    EXPECT_FALSE(parse_announce_reply("d5:peersld2:ip1:x4:porti0eeee"));  // port 0
}

TEST(AnnounceReply, PeerCountIsBounded)
{
    std::string peers;
    for (int i = 0; i < 10; ++i)
        peers += std::string("\x7f\x00\x00\x01\x00", 5) + static_cast<char>(i + 1);
    auto r = parse_announce_reply("d5:peers60:" + peers + "e", {.max_peers = 4});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->peers.size(), 4u);
}

}  // namespace
}  // namespace layer7::torrent
