// Assembling the info dictionary from peers (BEP 9): pieces handed out once, then in endgame;
// rejects, sizes that disagree, pieces of the wrong size, the SHA-1 check and who is blamed.
#include <gtest/gtest.h>

#include "torrent/metadata_exchange.hpp"
#include "torrent/sha1.hpp"

namespace layer7::torrent {
namespace {

// Two full pieces and a short one.
const std::string info = "d4:name1:x" + std::string(2 * metadata_piece_size + 50, 'p') + "e";

MetadataMessage data(std::uint32_t piece, std::string_view metadata = info)
{
    return answer_request(metadata, piece);
}

using V = std::vector<std::uint32_t>;

TEST(MetadataExchange, OnePeerSendsItAll)
{
    MetadataExchange ex(info_hash_of(info));
    EXPECT_TRUE(ex.add_peer(1, info.size()));
    EXPECT_EQ(ex.size(), info.size());
    EXPECT_EQ(ex.requests(1), (V{0, 1, 2}));
    EXPECT_EQ(ex.requests(1), V{});  // all in flight already
    EXPECT_EQ(ex.on_data(1, data(2)).outcome, MetadataOutcome::stored);
    EXPECT_EQ(ex.on_data(1, data(0)).outcome, MetadataOutcome::stored);
    EXPECT_FALSE(ex.complete());
    EXPECT_EQ(ex.on_data(1, data(1)).outcome, MetadataOutcome::complete);
    EXPECT_TRUE(ex.complete());
    EXPECT_EQ(ex.metadata(), info);
    EXPECT_EQ(ex.on_data(1, data(1)).outcome, MetadataOutcome::ignored);  // late: no fault
}

TEST(MetadataExchange, SizeLimitsAtTheEdge)
{
    MetadataExchange ex(InfoHash{}, {.max_size = 1000});
    EXPECT_FALSE(ex.add_peer(1, 0));
    EXPECT_FALSE(ex.add_peer(2, 1001));
    EXPECT_EQ(ex.size(), 0u);
    EXPECT_TRUE(ex.add_peer(3, 1000));
    EXPECT_EQ(ex.requests(3), V{0});
    EXPECT_TRUE(ex.add_peer(4, 999));  // another size: a peer, but not asked while 1000 is fetched
    EXPECT_EQ(ex.requests(4), V{});
}

TEST(MetadataExchange, InFlightIsBoundedPerPeer)
{
    const std::uint64_t size = 20 * metadata_piece_size;
    MetadataExchange ex(InfoHash{}, {.max_in_flight = 8});
    ex.add_peer(1, size);
    EXPECT_EQ(ex.requests(1).size(), 8u);
    ex.add_peer(2, size);
    EXPECT_EQ(ex.requests(2), (V{8, 9, 10, 11, 12, 13, 14, 15}));
    ex.add_peer(3, size);
    // Pieces 16..19 are free; then endgame: those asked of one other peer only.
    EXPECT_EQ(ex.requests(3), (V{16, 17, 18, 19, 0, 1, 2, 3}));
}

TEST(MetadataExchange, EndgameTakesTheFirstCopy)
{
    MetadataExchange ex(info_hash_of(info));
    ex.add_peer(1, info.size());
    ex.add_peer(2, info.size());
    EXPECT_EQ(ex.requests(1), (V{0, 1, 2}));
    EXPECT_EQ(ex.requests(2), (V{0, 1, 2}));  // a silent peer 1 cannot stall the fetch
    EXPECT_EQ(ex.on_data(2, data(0)).outcome, MetadataOutcome::stored);
    EXPECT_EQ(ex.on_data(1, data(0)).outcome, MetadataOutcome::ignored);
    EXPECT_EQ(ex.on_data(2, data(1)).outcome, MetadataOutcome::stored);
    EXPECT_EQ(ex.on_data(2, data(2)).outcome, MetadataOutcome::complete);
}

TEST(MetadataExchange, RejectedPiecesGoToOthers)
{
    MetadataExchange ex(info_hash_of(info));
    ex.add_peer(1, info.size());
    EXPECT_EQ(ex.requests(1), (V{0, 1, 2}));
    ex.on_reject(1, 1);
    EXPECT_EQ(ex.requests(1), V{});  // not asked again for what it refused
    ex.add_peer(2, info.size());
    EXPECT_EQ(ex.requests(2), (V{1, 0, 2}));
    ex.on_reject(2, 7);  // never asked: nothing happens
}

TEST(MetadataExchange, RemovedPeersPiecesGoBack)
{
    MetadataExchange ex(info_hash_of(info));
    ex.add_peer(1, info.size());
    ex.add_peer(2, info.size());
    ex.requests(1);
    ex.remove_peer(1);
    EXPECT_EQ(ex.requests(2), (V{0, 1, 2}));
    EXPECT_EQ(ex.on_data(1, data(0)).outcome, MetadataOutcome::ignored);
}

TEST(MetadataExchange, UnaskedDataIsIgnored)
{
    MetadataExchange ex(info_hash_of(info));
    ex.add_peer(1, info.size());
    EXPECT_EQ(ex.on_data(1, data(0)).outcome, MetadataOutcome::ignored);
    EXPECT_EQ(ex.on_data(9, data(0)).outcome, MetadataOutcome::ignored);
    EXPECT_EQ(ex.pieces_received(), 0u);
}

TEST(MetadataExchange, WrongSizesAreTheSendersFault)
{
    MetadataExchange ex(info_hash_of(info));
    ex.add_peer(1, info.size());
    ex.requests(1);
    MetadataMessage m = data(0);
    m.data.pop_back();  // 16383 bytes
    auto r = ex.on_data(1, m);
    EXPECT_EQ(r.outcome, MetadataOutcome::bad);
    EXPECT_EQ(r.reason, "ut_metadata piece 0 of 16383 bytes, not 16384");
    m = data(2);
    m.data += "x";  // the last piece one byte long
    EXPECT_EQ(ex.on_data(1, m).outcome, MetadataOutcome::bad);
    m = data(1);
    m.total_size += 1;
    r = ex.on_data(1, m);
    EXPECT_EQ(r.outcome, MetadataOutcome::bad);
    EXPECT_NE(r.reason.find("total_size"), std::string::npos);
}

TEST(MetadataExchange, HashFailureBlamesTheSendersAndStartsAgain)
{
    std::string forged = info;
    forged[20000] = 'X';
    MetadataExchange ex(info_hash_of(info));
    ex.add_peer(1, info.size());
    ex.add_peer(2, info.size());
    EXPECT_EQ(ex.requests(1), (V{0, 1, 2}));
    EXPECT_EQ(ex.on_data(1, data(0, forged)).outcome, MetadataOutcome::stored);
    EXPECT_EQ(ex.on_data(1, data(1, forged)).outcome, MetadataOutcome::stored);
    auto r = ex.on_data(1, data(2, forged));
    EXPECT_EQ(r.outcome, MetadataOutcome::hash_failed);
    EXPECT_EQ(r.culprits, std::vector<PeerKey>{1});
    EXPECT_FALSE(ex.complete());
    EXPECT_EQ(ex.pieces_received(), 0u);
    EXPECT_EQ(ex.requests(1), V{});  // out
    EXPECT_EQ(ex.requests(2), (V{0, 1, 2}));
    ex.on_data(2, data(0));
    ex.on_data(2, data(1));
    EXPECT_EQ(ex.on_data(2, data(2)).outcome, MetadataOutcome::complete);
    EXPECT_EQ(ex.metadata(), info);
}

TEST(MetadataExchange, ALyingSizeGivesWayToTheTrueOne)
{
    // Peer 1 says a size that cannot hash right; peer 2's true size is fetched after it fails.
    const std::string wrong(100, 'w');
    MetadataExchange ex(info_hash_of(info));
    ex.add_peer(1, wrong.size());
    ex.add_peer(2, info.size());
    EXPECT_EQ(ex.requests(2), V{});
    EXPECT_EQ(ex.requests(1), V{0});
    auto r = ex.on_data(1, data(0, wrong));
    EXPECT_EQ(r.outcome, MetadataOutcome::hash_failed);
    EXPECT_EQ(ex.size(), info.size());
    EXPECT_EQ(ex.requests(2), (V{0, 1, 2}));
}

TEST(MetadataExchange, ASecondHandshakeReplacesTheFirst)
{
    MetadataExchange ex(info_hash_of(info));
    ex.add_peer(1, info.size());
    EXPECT_EQ(ex.requests(1), (V{0, 1, 2}));
    ex.add_peer(1, info.size());  // its in-flight requests are forgotten, and asked again
    ex.add_peer(2, info.size());
    EXPECT_EQ(ex.requests(2), (V{0, 1, 2}));
    EXPECT_EQ(ex.requests(1), (V{0, 1, 2}));
}

}  // namespace
}  // namespace layer7::torrent
