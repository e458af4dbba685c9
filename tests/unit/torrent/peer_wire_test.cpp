// The peer wire codec (BEP 3, BEP 10 bit): handshake, every message, split at every byte offset,
// and the size limits at limit - 1, limit and limit + 1.
#include <gtest/gtest.h>

#include "torrent/peer_wire.hpp"

namespace layer7::torrent {
namespace {

Handshake sample_handshake()
{
    Handshake h;
    h.info_hash = *InfoHash::from_hex("0123456789abcdef0123456789abcdef01234567");
    h.peer_id = "-L70001-abcdefghijkl";
    h.set_extensions();
    return h;
}

std::string u32(std::uint32_t v)
{
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

TEST(PeerWire, HandshakeLayout)
{
    const std::string wire = encode_handshake(sample_handshake());
    ASSERT_EQ(wire.size(), 68u);
    EXPECT_EQ(wire.substr(0, 20), std::string("\x13"
                                              "BitTorrent protocol"));
    EXPECT_EQ(static_cast<unsigned char>(wire[25]), 0x10);  // BEP 10: reserved byte 5, bit 0x10
    WireDecoder d;
    d.feed(wire + u32(0));
    auto h = d.handshake();
    ASSERT_TRUE(h && *h);
    EXPECT_EQ((*h)->info_hash, sample_handshake().info_hash);
    EXPECT_EQ((*h)->peer_id, "-L70001-abcdefghijkl");
    EXPECT_TRUE((*h)->extensions());
    auto m = d.next();
    ASSERT_TRUE(m && *m);
    EXPECT_EQ((*m)->type, MessageType::keep_alive);
}

TEST(PeerWire, NotAHandshakeFailsEarly)
{
    WireDecoder d;
    d.feed("GET / HTTP/1.1\r\n");
    auto h = d.handshake();
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error(), WireError::bad_protocol);
    WireDecoder e;
    e.feed(
        std::string("\x13"
                    "BitTorrent protocoX"));
    EXPECT_FALSE(e.handshake());
}

std::vector<Message> every_message()
{
    const Message bitfield = Message::with_payload(MessageType::bitfield, std::string("\xff\x80", 2));
    Message piece = Message::with_payload(MessageType::piece, std::string(100, 'x'));
    piece.index = 7;
    piece.begin = 16384;
    const Message ext = Message::with_payload(MessageType::extended, "d1:md1:vi1eee");
    Message port = Message::simple(MessageType::port);
    port.port = 6881;
    return {Message{},
            Message::simple(MessageType::choke),
            Message::simple(MessageType::unchoke),
            Message::simple(MessageType::interested),
            Message::simple(MessageType::not_interested),
            Message::have(42),
            bitfield,
            Message::request(1, 16384, 16384),
            piece,
            Message::cancel(1, 16384, 16384),
            port,
            ext};
}

TEST(PeerWire, EveryMessageRoundTripsAtEverySplit)
{
    std::string wire = encode_handshake(sample_handshake());
    for (const auto& m : every_message())
        wire += encode(m);
    for (std::size_t split = 0; split <= wire.size(); ++split) {
        WireDecoder d;
        d.feed(wire.substr(0, split));
        std::vector<Message> got;
        bool shook = false;
        auto drain = [&] {
            if (!shook) {
                auto h = d.handshake();
                ASSERT_TRUE(h);
                if (!*h)
                    return;
                shook = true;
            }
            for (;;) {
                auto m = d.next();
                ASSERT_TRUE(m);
                if (!*m)
                    return;
                got.push_back(std::move(**m));
            }
        };
        drain();
        d.feed(wire.substr(split));
        drain();
        ASSERT_TRUE(shook);
        ASSERT_EQ(got.size(), every_message().size()) << "split " << split;
        for (std::size_t i = 0; i < got.size(); ++i)
            EXPECT_EQ(encode(got[i]), encode(every_message()[i])) << describe(got[i]);
        EXPECT_EQ(d.buffered(), 0u);
    }
}

TEST(PeerWire, DescribeForTrace)
{
    EXPECT_EQ(describe(Message::request(3, 16384, 16384)), "request 3 16384 16384");
    EXPECT_EQ(describe(Message::have(9)), "have 9");
    EXPECT_EQ(describe(every_message()[8]), "piece 7 16384 (100 bytes)");
}

TEST(PeerWire, MessageSizeLimitAtTheEdges)
{
    const WireLimits limits{.max_message = 100, .max_block = 1000};
    for (std::uint32_t length : {99u, 100u, 101u}) {
        WireDecoder d(limits);
        d.feed(u32(length) + "\x05" + std::string(length - 1, '\0'));
        auto m = d.next();
        if (length <= 100) {
            ASSERT_TRUE(m && *m) << length;
            EXPECT_EQ((*m)->payload.size(), length - 1);
        } else {
            ASSERT_FALSE(m);
            EXPECT_EQ(m.error(), WireError::message_too_large);
        }
    }
    // The length alone is enough to refuse: no need to wait for 4 GiB that will not come.
    WireDecoder d(limits);
    d.feed(u32(0xffffffff));
    EXPECT_FALSE(d.next());
}

TEST(PeerWire, BlockLimitAtTheEdges)
{
    const WireLimits limits{.max_message = 1 << 20, .max_block = 16384};
    for (std::uint32_t block : {16383u, 16384u, 16385u}) {
        WireDecoder requests(limits);
        requests.feed(encode(Message::request(0, 0, block)));
        WireDecoder pieces(limits);
        pieces.feed(encode(Message::with_payload(MessageType::piece, std::string(block, 'a'))));
        EXPECT_EQ(requests.next().ok(), block <= 16384) << block;
        auto p = pieces.next();
        EXPECT_EQ(p.ok(), block <= 16384) << block;
        if (!p.ok()) {
            EXPECT_EQ(p.error(), WireError::block_too_large);
        }
    }
}

TEST(PeerWire, WrongFixedSizesRefused)
{
    const std::vector<std::string> bad = {
        u32(2) + std::string("\x01\x00", 2),       // unchoke with a payload
        u32(4) + "\x04" + std::string(3, '\0'),    // have with a short index
        u32(12) + "\x06" + std::string(11, '\0'),  // request one byte short
        u32(8) + "\x07" + std::string(7, '\0'),    // piece without its index and begin
        u32(1) + "\x14",                           // extended without its id
    };
    for (const auto& wire : bad) {
        WireDecoder d;
        d.feed(wire);
        auto m = d.next();
        ASSERT_FALSE(m);
        EXPECT_EQ(m.error(), WireError::bad_payload_size);
    }
}

TEST(PeerWire, UnknownIdsAreSkipped)
{
    WireDecoder d;
    d.feed(u32(3) + "\x0d\x01\x02" + encode(Message::have(1)));  // 0x0d: the Fast extension, not negotiated
    auto m = d.next();
    ASSERT_TRUE(m && *m);
    EXPECT_EQ((*m)->type, MessageType::unknown);
    m = d.next();
    ASSERT_TRUE(m && *m);
    EXPECT_EQ((*m)->type, MessageType::have);
}

}  // namespace
}  // namespace layer7::torrent
