// The tracker's swarm bookkeeping: events, counts, numwant, expiry, limits. Time is passed in.
#include <gtest/gtest.h>

#include "torrent/tracker.hpp"

namespace layer7::torrent {
namespace {

using namespace std::chrono_literals;

const Clock::time_point t0{};

AnnounceRequest req(char id, std::uint64_t left, AnnounceEvent event = AnnounceEvent::none)
{
    AnnounceRequest r;
    r.info_hash.bytes.fill(7);
    r.peer_id = std::string(20, id);
    r.endpoint = {std::string("\x7f\x00\x00", 3) + static_cast<char>(id), static_cast<std::uint16_t>(6000 + id)};
    r.left = left;
    r.event = event;
    return r;
}

AnnounceResponse ok(std::variant<AnnounceResponse, AnnounceRefusal> v)
{
    EXPECT_TRUE(std::holds_alternative<AnnounceResponse>(v));
    return std::get<AnnounceResponse>(v);
}

TEST(Tracker, IntroducesPeersAndCounts)
{
    Tracker t;
    auto first = ok(t.announce(req('a', 0, AnnounceEvent::started), t0));
    EXPECT_TRUE(first.peers.empty());  // never yourself
    EXPECT_EQ(first.counts.complete, 1u);
    EXPECT_EQ(first.interval, 1800s);
    EXPECT_EQ(first.min_interval, 60s);
    auto second = ok(t.announce(req('b', 100, AnnounceEvent::started), t0 + 1s));
    ASSERT_EQ(second.peers.size(), 1u);
    EXPECT_EQ(second.peers[0].peer_id, std::string(20, 'a'));
    EXPECT_EQ(second.peers[0].endpoint.port, 6000 + 'a');
    EXPECT_EQ(second.counts.complete, 1u);
    EXPECT_EQ(second.counts.incomplete, 1u);
}

TEST(Tracker, CompletedCountsOncePerPeer)
{
    Tracker t;
    (void)t.announce(req('b', 100, AnnounceEvent::started), t0);
    auto done = ok(t.announce(req('b', 0, AnnounceEvent::completed), t0 + 5s));
    EXPECT_EQ(done.counts.downloaded, 1u);
    EXPECT_EQ(done.counts.complete, 1u);
    EXPECT_EQ(done.counts.incomplete, 0u);
    auto again = ok(t.announce(req('b', 0, AnnounceEvent::completed), t0 + 6s));
    EXPECT_EQ(again.counts.downloaded, 1u);
    // A seeder from the start never downloaded here.
    (void)t.announce(req('s', 0, AnnounceEvent::started), t0);
    EXPECT_EQ(t.scrape(req('s', 0).info_hash).downloaded, 1u);
}

TEST(Tracker, LeecherStoppingFinishedCountsAsADownload)
{
    // aria2c with --seed-time=0 goes from left>0 straight to event=stopped with left=0.
    Tracker t;
    (void)t.announce(req('b', 100, AnnounceEvent::started), t0);
    auto stopped = ok(t.announce(req('b', 0, AnnounceEvent::stopped), t0 + 5s));
    EXPECT_EQ(stopped.counts.downloaded, 1u);
    EXPECT_EQ(stopped.counts.complete + stopped.counts.incomplete, 0u);
}

TEST(Tracker, StoppedRemovesThePeer)
{
    Tracker t;
    (void)t.announce(req('a', 0, AnnounceEvent::started), t0);
    (void)t.announce(req('b', 1, AnnounceEvent::started), t0);
    auto stopped = ok(t.announce(req('a', 0, AnnounceEvent::stopped), t0 + 1s));
    EXPECT_TRUE(stopped.peers.empty());
    EXPECT_EQ(t.scrape(req('a', 0).info_hash).complete, 0u);
    EXPECT_EQ(t.scrape(req('a', 0).info_hash).incomplete, 1u);
}

TEST(Tracker, NumwantIsCappedAndRotates)
{
    Tracker t({.max_numwant = 3});
    for (char id = 'a'; id < 'a' + 10; ++id)
        (void)t.announce(req(id, 1), t0);
    auto r = req('z', 1);
    r.numwant = 1000;
    auto first = ok(t.announce(r, t0));
    EXPECT_EQ(first.peers.size(), 3u);
    r.numwant = 2;
    auto second = ok(t.announce(r, t0));
    ASSERT_EQ(second.peers.size(), 2u);
    EXPECT_NE(second.peers[0].peer_id, first.peers[0].peer_id);
    r.numwant = 0;
    EXPECT_TRUE(ok(t.announce(r, t0)).peers.empty());
}

TEST(Tracker, SilentPeersExpire)
{
    Tracker t({.peer_ttl = 100s});
    (void)t.announce(req('a', 0), t0);
    (void)t.announce(req('b', 1), t0 + 50s);
    auto at_ttl = ok(t.announce(req('c', 1), t0 + 100s));
    EXPECT_EQ(at_ttl.peers.size(), 2u);  // exactly peer_ttl old: still there
    auto later = ok(t.announce(req('c', 1), t0 + 101s));
    ASSERT_EQ(later.peers.size(), 1u);
    EXPECT_EQ(later.peers[0].peer_id, std::string(20, 'b'));
    t.expire(t0 + 1000s);
    EXPECT_TRUE(t.torrents().empty());
}

TEST(Tracker, Limits)
{
    Tracker t({.max_torrents = 1, .max_peers_per_torrent = 2});
    (void)t.announce(req('a', 0), t0);
    (void)t.announce(req('b', 0), t0);
    auto full = t.announce(req('c', 0), t0);
    ASSERT_TRUE(std::holds_alternative<AnnounceRefusal>(full));
    EXPECT_EQ(std::get<AnnounceRefusal>(full), AnnounceRefusal::swarm_full);
    auto other = req('a', 0);
    other.info_hash.bytes.fill(8);
    EXPECT_EQ(std::get<AnnounceRefusal>(t.announce(other, t0)), AnnounceRefusal::too_many_torrents);
    // A known peer re-announcing in a full swarm is fine.
    EXPECT_TRUE(std::holds_alternative<AnnounceResponse>(t.announce(req('a', 0), t0)));
}

}  // namespace
}  // namespace layer7::torrent
