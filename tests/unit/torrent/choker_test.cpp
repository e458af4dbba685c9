// The choker: 4 regular slots by download rate (upload rate when seeding) every 10 s, one
// optimistic unchoke rotated every 30 s, the numbers configurable, time passed in.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "torrent/choker.hpp"

namespace layer7::torrent {
namespace {

using namespace std::chrono_literals;
const Choker::Clock::time_point t0 = Choker::Clock::time_point{} + 1000s;

std::vector<ChokePeer> swarm(std::size_t n)
{
    std::vector<ChokePeer> peers;
    for (PeerKey k = 1; k <= n; ++k)
        peers.push_back({k, true, 0, 0});
    return peers;
}

std::set<PeerKey> regular(const ChokeDecision& d)
{
    std::set<PeerKey> out(d.unchoked.begin(), d.unchoked.end());
    if (d.optimistic)
        out.erase(*d.optimistic);
    return out;
}

TEST(Choker, FourFastestPlusOneOptimistic)
{
    Choker choker({}, 1);
    auto peers = swarm(8);
    auto first = choker.tick(t0, peers, false);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->unchoked.size(), 5u);  // 4 + 1
    // Over the next 10 s peers 5..8 send the most.
    for (auto& p : peers)
        p.downloaded = p.key >= 5 ? 1000 * p.key : 10;
    EXPECT_FALSE(choker.tick(t0 + 5s, peers, false));  // no rechoke before 10 s
    auto second = choker.tick(t0 + 10s, peers, false);
    ASSERT_TRUE(second && second->rechoke);
    EXPECT_EQ(regular(*second), (std::set<PeerKey>{5, 6, 7, 8}));
    ASSERT_TRUE(second->optimistic);
    EXPECT_LT(*second->optimistic, 5u);
    EXPECT_EQ(second->unchoked.size(), 5u);
}

TEST(Choker, SeedingRanksByUploadRate)
{
    Choker choker({}, 2);
    auto peers = swarm(6);
    choker.tick(t0, peers, true);
    for (auto& p : peers) {
        p.uploaded = p.key <= 4 ? 5000 : 0;
        p.downloaded = p.key > 4 ? 5000 : 0;  // ignored while seeding
    }
    auto d = choker.tick(t0 + 10s, peers, true);
    ASSERT_TRUE(d);
    EXPECT_EQ(regular(*d), (std::set<PeerKey>{1, 2, 3, 4}));
}

TEST(Choker, OptimisticRotatesEveryThirtySeconds)
{
    Choker choker({}, 3);
    auto peers = swarm(10);
    for (auto& p : peers) {
        p.downloaded = p.key <= 4 ? 1u << 30 : 0;  // 1..4 stay the fastest throughout
        p.interested = p.key <= 5;                 // at first, 5 is the only one left for the optimistic slot
    }
    auto d = choker.tick(t0, peers, false);
    ASSERT_TRUE(d && d->optimistic);
    const PeerKey optimistic = *d->optimistic;
    EXPECT_EQ(optimistic, 5u);
    for (auto& p : peers)
        p.interested = true;
    for (auto when : {10s, 20s}) {
        for (auto& p : peers)
            p.downloaded += p.key <= 4 ? 1u << 20 : 0;
        d = choker.tick(t0 + when, peers, false);
        ASSERT_TRUE(d && d->optimistic);
        EXPECT_EQ(*d->optimistic, optimistic) << "rotated before 30 s";
    }
    for (auto& p : peers)
        p.downloaded += p.key <= 4 ? 1u << 20 : 0;
    d = choker.tick(t0 + 30s, peers, false);
    ASSERT_TRUE(d && d->optimistic);
    EXPECT_NE(*d->optimistic, optimistic);
    EXPECT_GT(*d->optimistic, 4u);
}

TEST(Choker, NumbersAreConfigurable)
{
    Choker choker({.regular_slots = 2, .rechoke_interval = 3s, .optimistic_interval = 6s}, 4);
    auto peers = swarm(6);
    auto d = choker.tick(t0, peers, false);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->unchoked.size(), 3u);
    auto later = choker.tick(t0 + 3s, peers, false);
    ASSERT_TRUE(later && later->rechoke);
}

TEST(Choker, EmptySlotFilledAtOnceAndUninterestedPeersChoked)
{
    Choker choker({}, 5);
    auto peers = swarm(2);
    peers[1].interested = false;
    auto d = choker.tick(t0, peers, false);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->unchoked, std::vector<PeerKey>{1});
    peers[1].interested = true;  // between rechokes
    d = choker.tick(t0 + 1s, peers, false);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->unchoked.size(), 2u);
    peers[0].interested = false;
    d = choker.tick(t0 + 2s, peers, false);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->unchoked, std::vector<PeerKey>{2});
    EXPECT_FALSE(choker.tick(t0 + 3s, peers, false));  // nothing changed
}

}  // namespace
}  // namespace layer7::torrent
