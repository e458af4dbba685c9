// The piece picker: blocks of 16 KiB, random first piece, rarest first on a controlled
// availability map, strict completion, endgame with cancels, bad pieces naming their senders.
#include <gtest/gtest.h>

#include <set>

#include "torrent/piece_picker.hpp"

namespace layer7::torrent {
namespace {

constexpr std::uint64_t kib = 1024;

Bitfield all_of(std::size_t n)
{
    return Bitfield(n, true);
}

Bitfield only(std::size_t n, std::initializer_list<std::size_t> pieces)
{
    Bitfield b(n);
    for (auto p : pieces)
        b.set(p);
    return b;
}

// Delivers every block of `blocks` from `who` and checks each finished piece as good.
void deliver(PiecePicker& picker, const std::vector<BlockRef>& blocks, PeerKey who)
{
    for (const auto& b : blocks) {
        auto r = picker.on_block(b, who);
        ASSERT_EQ(r.outcome, BlockOutcome::accepted);
        if (r.piece_done)
            picker.on_piece_checked(b.piece, true);
    }
}

TEST(PiecePicker, BlocksAreSixteenKibAndTheLastIsShort)
{
    PiecePicker picker(256 * kib + 100, 256 * kib, 1);
    ASSERT_EQ(picker.piece_count(), 2u);
    EXPECT_EQ(picker.piece_size(1), 100u);
    picker.mark_have(0);
    auto blocks = picker.pick(all_of(2), 1, 100);
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0], (BlockRef{1, 0, 100}));
    EXPECT_EQ(picker.bytes_left(), 100u);
}

TEST(PiecePicker, RarestFirstAfterTheFirstPiece)
{
    const std::size_t n = 6;
    PiecePicker picker(n * 32 * kib, 32 * kib, 7);
    // availability: pieces 0..5 held by 3, 4, 1, 2, 3, 2 peers
    picker.add_peer(all_of(n));
    picker.add_peer(only(n, {0, 1, 3, 4, 5}));
    picker.add_peer(only(n, {0, 1, 4}));
    picker.add_have(1);
    EXPECT_EQ(picker.availability(2), 1u);
    picker.mark_have(0);  // one piece complete: random-first is over
    std::vector<std::uint32_t> order;
    for (int i = 0; i < 5; ++i) {
        auto blocks = picker.pick(all_of(n), 1, 2);  // one piece's two blocks at a time
        ASSERT_EQ(blocks.size(), 2u);
        EXPECT_EQ(blocks[0].piece, blocks[1].piece);
        order.push_back(blocks[0].piece);
        deliver(picker, blocks, 1);
    }
    ASSERT_EQ(order.size(), 5u);
    EXPECT_EQ(order[0], 2u);  // the rarest
    EXPECT_EQ((std::set<std::uint32_t>{order[1], order[2]}), (std::set<std::uint32_t>{3, 5}));
    EXPECT_EQ(order[3], 4u);
    EXPECT_EQ(order[4], 1u);  // the most common last
    EXPECT_TRUE(picker.complete());
}

TEST(PiecePicker, FirstPieceIsRandomNotRarest)
{
    // With the same rare piece everywhere, a rarest-first picker would always start at piece 0.
    std::set<std::uint32_t> firsts;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        PiecePicker picker(8 * 16 * kib, 16 * kib, seed);
        picker.add_peer(all_of(8));
        picker.add_peer(only(8, {1, 2, 3, 4, 5, 6, 7}));
        firsts.insert(picker.pick(all_of(8), 1, 1)[0].piece);
    }
    EXPECT_GT(firsts.size(), 2u);
}

TEST(PiecePicker, StrictCompletionFinishesStartedPiecesFirst)
{
    PiecePicker picker(4 * 64 * kib, 64 * kib, 3);
    picker.mark_have(3);
    auto first = picker.pick(all_of(4), 1, 2);  // half of one piece
    ASSERT_EQ(first.size(), 2u);
    // Another peer gets the other half of the same piece before anything new.
    auto second = picker.pick(all_of(4), 2, 2);
    ASSERT_EQ(second.size(), 2u);
    EXPECT_EQ(second[0].piece, first[0].piece);
    EXPECT_EQ(second[0].begin, 32 * kib);
}

TEST(PiecePicker, UnrequestedAndWrongSizedBlocksAreRefused)
{
    PiecePicker picker(2 * 32 * kib, 32 * kib, 5);
    auto blocks = picker.pick(all_of(2), 1, 1);
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(picker.on_block(blocks[0], 2).outcome, BlockOutcome::unrequested);                  // not asked of peer 2
    EXPECT_EQ(picker.on_block({blocks[0].piece, 0, 100}, 1).outcome, BlockOutcome::unrequested);  // size
    EXPECT_EQ(picker.on_block({blocks[0].piece, 5, 16384}, 1).outcome, BlockOutcome::unrequested);  // offset
    EXPECT_EQ(picker.on_block({9, 0, 16384}, 1).outcome, BlockOutcome::unrequested);                // no such piece
    EXPECT_EQ(picker.on_block(blocks[0], 1).outcome, BlockOutcome::accepted);
}

TEST(PiecePicker, EndgameAsksASecondPeerAndCancelsTheLoser)
{
    PiecePicker picker(32 * kib, 32 * kib, 9);
    auto a = picker.pick(all_of(1), 1, 10);
    ASSERT_EQ(a.size(), 2u);
    EXPECT_FALSE(picker.endgame());
    auto b = picker.pick(all_of(1), 2, 10);
    ASSERT_EQ(b.size(), 2u);  // the same blocks, asked again
    EXPECT_TRUE(picker.endgame());
    EXPECT_TRUE(picker.pick(all_of(1), 3, 10).empty());  // two requesters per block at most
    auto r = picker.on_block(b[0], 2);
    EXPECT_EQ(r.outcome, BlockOutcome::accepted);
    EXPECT_EQ(r.cancel_at, std::vector<PeerKey>{1});
    EXPECT_EQ(picker.on_block(a[0], 1).outcome, BlockOutcome::duplicate);  // the race lost: no ban
    r = picker.on_block(a[1], 1);
    EXPECT_TRUE(r.piece_done);
    picker.on_piece_checked(0, true);
    EXPECT_TRUE(picker.complete());
}

TEST(PiecePicker, BadPieceNamesItsSendersAndIsAskedAgain)
{
    PiecePicker picker(2 * 32 * kib, 32 * kib, 11);
    picker.mark_have(1);
    auto one = picker.pick(all_of(2), 4, 1);
    auto two = picker.pick(all_of(2), 5, 1);
    EXPECT_EQ(picker.on_block(one[0], 4).outcome, BlockOutcome::accepted);
    auto r = picker.on_block(two[0], 5);
    ASSERT_TRUE(r.piece_done);
    auto culprits = picker.on_piece_checked(0, false);
    EXPECT_EQ((std::set<PeerKey>(culprits.begin(), culprits.end())), (std::set<PeerKey>{4, 5}));
    EXPECT_FALSE(picker.have().test(0));
    EXPECT_EQ(picker.pick(all_of(2), 6, 10).size(), 2u);
}

TEST(PiecePicker, AbortedRequestsOpenAgain)
{
    PiecePicker picker(32 * kib, 32 * kib, 13);
    auto a = picker.pick(all_of(1), 1, 10);
    ASSERT_EQ(a.size(), 2u);
    picker.abort_peer(1);
    auto b = picker.pick(all_of(1), 2, 10);
    EXPECT_EQ(b, a);
    EXPECT_FALSE(picker.endgame());
    picker.abort_request(b[1], 2);
    EXPECT_EQ(picker.pick(all_of(1), 3, 10), std::vector<BlockRef>{b[1]});
}

TEST(PiecePicker, InterestFollowsWhatWeLack)
{
    PiecePicker picker(3 * 16 * kib, 16 * kib, 1);
    picker.mark_have(1);
    EXPECT_FALSE(picker.interesting(only(3, {1})));
    EXPECT_TRUE(picker.interesting(only(3, {1, 2})));
    EXPECT_TRUE(picker.pick(only(3, {1}), 1, 10).empty());
}

}  // namespace
}  // namespace layer7::torrent
