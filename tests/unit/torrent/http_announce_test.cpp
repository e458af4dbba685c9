// The HTTP tracker wire format: announce queries with binary percent-encoded fields, compact (BEP 23)
// and dictionary replies, scrape (BEP 48) and failure reasons.
#include <gtest/gtest.h>

#include "torrent/bencode.hpp"
#include "torrent/http_announce.hpp"

namespace layer7::torrent {
namespace {

const PeerEndpoint from{std::string("\x7f\x00\x00\x01", 4), 0};

// info_hash bytes 00 01 … 13, with a %00 in it on purpose.
const std::string hash_param = "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13";

std::string query(std::string extra = "")
{
    return "info_hash=" + hash_param + "&peer_id=-AR1000-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=100" +
           extra;
}

TEST(HttpAnnounce, ParsesTheQuery)
{
    auto q = parse_announce_query(query("&event=started&numwant=20&compact=1&ip=10.9.9.9"), from);
    ASSERT_TRUE(q.ok()) << q.error();
    EXPECT_EQ(q->request.info_hash.bytes[0], 0);
    EXPECT_EQ(q->request.info_hash.bytes[19], 0x13);
    EXPECT_EQ(q->request.peer_id, "-AR1000-abcdefghijkl");
    EXPECT_EQ(q->request.endpoint.port, 6881);
    EXPECT_EQ(q->request.endpoint.ip, from.ip);  // the `ip` parameter is not trusted
    EXPECT_EQ(q->request.left, 100u);
    EXPECT_EQ(q->request.event, AnnounceEvent::started);
    EXPECT_EQ(q->request.numwant, 20u);
    EXPECT_TRUE(q->compact);
    auto dict = parse_announce_query(query("&compact=0&no_peer_id=1&numwant=-1"), from);
    ASSERT_TRUE(dict.ok());
    EXPECT_FALSE(dict->compact);
    EXPECT_TRUE(dict->no_peer_id);
    EXPECT_FALSE(dict->request.numwant);
}

TEST(HttpAnnounce, BadQueriesGetAReason)
{
    EXPECT_EQ(parse_announce_query("peer_id=-AR1000-abcdefghijkl&port=1&left=0", from).error(), "missing info_hash");
    EXPECT_EQ(parse_announce_query("info_hash=abc&peer_id=x", from).error(), "info_hash is not 20 bytes");
    EXPECT_EQ(parse_announce_query(query("&port=0"), from).error(), "bad port");
    EXPECT_EQ(parse_announce_query(query("&port=70000"), from).error(), "bad port");
    EXPECT_EQ(parse_announce_query(query("&left=-1"), from).error(), "bad left");
    EXPECT_EQ(parse_announce_query("info_hash=%0" + hash_param, from).error(),
              "malformed percent-encoding in info_hash");
    std::string many;
    for (int i = 0; i < 65; ++i)
        many += "a=&";
    EXPECT_EQ(parse_announce_query(many, from).error(), "too many query parameters");
}

TEST(HttpAnnounce, CompactReply)
{
    AnnounceResponse r{std::chrono::seconds(1800), std::chrono::seconds(60), {1, 2, 3}, {}};
    r.peers.push_back({std::string(20, 'a'), {std::string("\x7f\x00\x00\x02", 4), 0x1ae1}});
    r.peers.push_back({std::string(20, 'b'), {std::string(15, '\0') + "\x01", 6882}});
    auto v = decode(encode_announce_response(r, true, false));
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v->find("interval")->integer(), 1800);
    EXPECT_EQ(*v->find("min interval")->integer(), 60);
    EXPECT_EQ(*v->find("complete")->integer(), 1);
    EXPECT_EQ(*v->find("incomplete")->integer(), 2);
    EXPECT_EQ(*v->find("peers")->string(), std::string("\x7f\x00\x00\x02\x1a\xe1", 6));
    EXPECT_EQ(v->find("peers6")->string()->size(), 18u);
}

TEST(HttpAnnounce, DictionaryReply)
{
    AnnounceResponse r{std::chrono::seconds(1800), std::chrono::seconds(60), {}, {}};
    r.peers.push_back({std::string(20, 'a'), {std::string("\x7f\x00\x00\x02", 4), 6881}});
    r.peers.push_back({std::string(20, 'b'), {std::string(15, '\0') + "\x01", 6882}});
    auto v = decode(encode_announce_response(r, false, false));
    ASSERT_TRUE(v.ok());
    const auto& peers = *v->find("peers")->list();
    ASSERT_EQ(peers.size(), 2u);
    EXPECT_EQ(*peers[0].find("ip")->string(), "127.0.0.2");
    EXPECT_EQ(*peers[0].find("peer id")->string(), std::string(20, 'a'));
    EXPECT_EQ(*peers[0].find("port")->integer(), 6881);
    EXPECT_EQ(*peers[1].find("ip")->string(), "0:0:0:0:0:0:0:1");
    auto anonymous = decode(encode_announce_response(r, false, true));
    EXPECT_EQ(anonymous->find("peers")->list()->at(0).find("peer id"), nullptr);
}

TEST(HttpAnnounce, ScrapeAndFailure)
{
    auto hashes = parse_scrape_query("info_hash=" + hash_param + "&info_hash=" + hash_param);
    ASSERT_TRUE(hashes.ok());
    ASSERT_EQ(hashes->size(), 1u);  // asked twice, answered once
    EXPECT_TRUE(parse_scrape_query("")->empty());
    EXPECT_FALSE(parse_scrape_query("info_hash=short").ok());
    auto v = decode(encode_scrape_response({{(*hashes)[0], {4, 5, 6}}}));
    ASSERT_TRUE(v.ok());
    const Value* file = v->find("files")->find((*hashes)[0].raw());
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(*file->find("complete")->integer(), 4);
    EXPECT_EQ(*file->find("incomplete")->integer(), 5);
    EXPECT_EQ(*file->find("downloaded")->integer(), 6);
    EXPECT_EQ(encode_failure("missing port"), "d14:failure reason12:missing porte");
}

}  // namespace
}  // namespace layer7::torrent
