// The UDP tracker protocol (BEP 15): packet layouts, connection-id validation, errors.
#include <gtest/gtest.h>

#include "torrent/udp_tracker.hpp"

namespace layer7::torrent {
namespace {

using namespace std::chrono_literals;

const PeerEndpoint client{std::string("\x7f\x00\x00\x01", 4), 40000};
const Clock::time_point t0 = Clock::time_point{} + 1000min;

std::uint32_t be32(std::string_view s, std::size_t at)
{
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
        v = v << 8 | static_cast<unsigned char>(s[at + i]);
    return v;
}

struct Fixture : ::testing::Test {
    Tracker tracker;
    UdpTracker udp{tracker, SipKey{1, 2, 3}};

    std::uint64_t connect(const PeerEndpoint& from, Clock::time_point now)
    {
        auto reply = udp.on_datagram(encode_udp_request(UdpConnectRequest{77}), from, now);
        EXPECT_TRUE(reply);
        EXPECT_EQ(reply->size(), 16u);
        EXPECT_EQ(be32(*reply, 0), 0u);
        EXPECT_EQ(be32(*reply, 4), 77u);
        return std::uint64_t{be32(*reply, 8)} << 32 | be32(*reply, 12);
    }
    UdpAnnounceRequest announce(std::uint64_t id, char peer, std::uint64_t left)
    {
        UdpAnnounceRequest a;
        a.connection_id = id;
        a.transaction_id = 99;
        a.announce.info_hash.bytes.fill(5);
        a.announce.peer_id = std::string(20, peer);
        a.announce.left = left;
        a.announce.event = AnnounceEvent::started;
        a.announce.endpoint.port = 6881;
        return a;
    }
};

TEST_F(Fixture, ConnectThenAnnounce)
{
    const auto id = connect(client, t0);
    (void)udp.on_datagram(encode_udp_request(announce(id, 's', 0)), {std::string("\x7f\x00\x00\x02", 4), 1}, t0);
    // 's' above used an id minted for another address: refused, so the swarm is still empty.
    EXPECT_TRUE(tracker.torrents().empty());
    const auto seed_from = PeerEndpoint{std::string("\x7f\x00\x00\x02", 4), 1};
    const auto seed_id = connect(seed_from, t0);
    auto first = udp.on_datagram(encode_udp_request(announce(seed_id, 's', 0)), seed_from, t0);
    ASSERT_TRUE(first);
    EXPECT_EQ(be32(*first, 0), 1u);
    auto reply = udp.on_datagram(encode_udp_request(announce(id, 'l', 10)), client, t0 + 30s);
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->size(), 20u + 6u);
    EXPECT_EQ(be32(*reply, 4), 99u);
    EXPECT_EQ(be32(*reply, 8), 1800u);  // interval
    EXPECT_EQ(be32(*reply, 12), 1u);    // leechers
    EXPECT_EQ(be32(*reply, 16), 1u);    // seeders
    EXPECT_EQ(reply->substr(20), std::string("\x7f\x00\x00\x02\x1a\xe1", 6));
}

TEST_F(Fixture, ConnectionIdsExpire)
{
    const auto id = connect(client, t0);
    EXPECT_EQ(be32(*udp.on_datagram(encode_udp_request(announce(id, 'l', 1)), client, t0 + 60s), 0), 1u);
    auto late = udp.on_datagram(encode_udp_request(announce(id, 'l', 1)), client, t0 + 120s);
    ASSERT_TRUE(late);
    EXPECT_EQ(be32(*late, 0), 3u);
    EXPECT_EQ(late->substr(8), "bad connection id");
    auto forged = udp.on_datagram(encode_udp_request(announce(12345, 'l', 1)), client, t0);
    EXPECT_EQ(be32(*forged, 0), 3u);
}

TEST_F(Fixture, Scrape)
{
    const auto id = connect(client, t0);
    (void)udp.on_datagram(encode_udp_request(announce(id, 'l', 1)), client, t0);
    UdpScrapeRequest s{id, 5, {}};
    s.info_hashes.resize(2);
    s.info_hashes[0].bytes.fill(5);
    auto reply = udp.on_datagram(encode_udp_request(s), client, t0);
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->size(), 8u + 2 * 12u);
    EXPECT_EQ(be32(*reply, 0), 2u);
    EXPECT_EQ(be32(*reply, 8), 0u);   // seeders
    EXPECT_EQ(be32(*reply, 16), 1u);  // leechers
    EXPECT_EQ(be32(*reply, 20), 0u);  // the unknown torrent: zeros
}

TEST_F(Fixture, Garbage)
{
    EXPECT_FALSE(udp.on_datagram("short", client, t0));
    std::string bad_magic = encode_udp_request(UdpConnectRequest{1});
    bad_magic[0] = 1;
    EXPECT_EQ(be32(*udp.on_datagram(bad_magic, client, t0), 0), 3u);
    std::string unknown = bad_magic;
    unknown[11] = 9;
    EXPECT_EQ(be32(*udp.on_datagram(unknown, client, t0), 0), 3u);
    std::string error = unknown;
    error[11] = 3;
    EXPECT_FALSE(udp.on_datagram(error, client, t0));  // never answer an error
    const auto id = connect(client, t0);
    std::string cut = encode_udp_request(announce(id, 'l', 1)).substr(0, 97);
    EXPECT_EQ(be32(*udp.on_datagram(cut, client, t0), 0), 3u);
    UdpScrapeRequest many{id, 1, std::vector<InfoHash>(75)};
    EXPECT_EQ(be32(*udp.on_datagram(encode_udp_request(many), client, t0), 0), 3u);
}

TEST(UdpCodec, RoundTrip)
{
    UdpAnnounceRequest a;
    a.connection_id = 0x0102030405060708;
    a.transaction_id = 9;
    a.announce.peer_id = std::string(20, 'p');
    a.announce.downloaded = 1ULL << 40;
    a.announce.numwant = 17;
    a.announce.event = AnnounceEvent::stopped;
    a.announce.endpoint.port = 51413;
    const std::string wire = encode_udp_request(a);
    EXPECT_EQ(wire.size(), 98u);
    auto back = decode_udp_request(wire);
    ASSERT_TRUE(back.ok());
    const auto& b = std::get<UdpAnnounceRequest>(*back);
    EXPECT_EQ(b.connection_id, a.connection_id);
    EXPECT_EQ(b.announce.downloaded, a.announce.downloaded);
    EXPECT_EQ(b.announce.numwant, 17u);
    EXPECT_EQ(b.announce.event, AnnounceEvent::stopped);
    EXPECT_EQ(b.announce.endpoint.port, 51413);
    EXPECT_EQ(encode_udp_request(*back), wire);
}

}  // namespace
}  // namespace layer7::torrent
