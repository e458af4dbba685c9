// The MSE handshake: an initiator and a receiver talking to each other (RC4 and plaintext, pads of
// 0 and 512 bytes, every byte in its own feed), the ciphers they hand over agreeing, and tampered
// or out-of-window bytes failing with their own error, at the 512-byte pad limit and one past it.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "torrent/mse_dh.hpp"
#include "torrent/mse_handshake.hpp"

namespace layer7::torrent {
namespace {

InfoHash hash_of(char c)
{
    InfoHash h;
    h.bytes.fill(static_cast<std::uint8_t>(c));
    return h;
}

const std::string ia = std::string(
                           "\x13"
                           "BitTorrent protocol") +
                       std::string(48, 'i');

MseHandshake make_a(std::uint32_t provide = crypto_rc4 | crypto_plaintext, std::size_t pad = 37)
{
    return MseHandshake::initiator(hash_of('t'), provide, ia, mse_random_bytes(mse_private_key_size),
                                   mse_random_bytes(pad));
}

MseHandshake make_b(std::uint32_t accept = crypto_rc4 | crypto_plaintext, std::size_t pad = 211)
{
    return MseHandshake::receiver({hash_of('x'), hash_of('t')}, accept, mse_random_bytes(mse_private_key_size),
                                  mse_random_bytes(pad));
}

// Delivers `bytes` in pieces of `piece` bytes (0: all at once).
void deliver(MseHandshake& to, const std::string& bytes, std::size_t piece)
{
    if (piece == 0) {
        to.feed(bytes);
        return;
    }
    for (std::size_t i = 0; i < bytes.size(); i += piece)
        to.feed(std::string_view(bytes).substr(i, piece));
}

// Runs the two until neither has anything to say; `tamper` may change bytes A→B (true) or B→A,
// told which of that side's sends it is (A: 0 Ya and PadA, 1 step 3; B: 0 Yb and PadB, 1 step 4).
void talk(MseHandshake& a, MseHandshake& b, std::size_t piece = 0,
          const std::function<void(std::string&, bool a_to_b, int send)>& tamper = {})
{
    int sent_ab = 0, sent_ba = 0;
    for (int round = 0; round < 8; ++round) {
        std::string ab = a.take_output(), ba = b.take_output();
        if (ab.empty() && ba.empty())
            return;
        if (tamper && !ab.empty())
            tamper(ab, true, sent_ab++);
        if (tamper && !ba.empty())
            tamper(ba, false, sent_ba++);
        deliver(b, ab, piece);
        deliver(a, ba, piece);
    }
}

void expect_agreed(MseHandshake& a, MseHandshake& b, std::uint32_t method)
{
    ASSERT_TRUE(a.done()) << (a.error() ? to_string(*a.error()) : "");
    ASSERT_TRUE(b.done()) << (b.error() ? to_string(*b.error()) : "");
    EXPECT_EQ(a.method(), method);
    EXPECT_EQ(b.method(), method);
    EXPECT_EQ(b.skey(), hash_of('t'));
    EXPECT_EQ(b.take_payload(), ia);
    auto a_send = a.take_send_cipher(), a_receive = a.take_receive_cipher();
    auto b_send = b.take_send_cipher(), b_receive = b.take_receive_cipher();
    if (method == crypto_plaintext) {
        EXPECT_FALSE(a_send || a_receive || b_send || b_receive);
        return;
    }
    ASSERT_TRUE(a_send && a_receive && b_send && b_receive);
    static constexpr char raw[] = "\0\0\0\x0b\x02 interested";
    const std::string message(raw, sizeof raw - 1);
    std::string wire = message;
    a_send->process(wire);
    EXPECT_NE(wire, message);
    b_receive->process(wire);
    EXPECT_EQ(wire, message);
    b_send->process(wire);
    a_receive->process(wire);
    EXPECT_EQ(wire, message);
}

TEST(MseHandshake, Rc4WhenBothOfferIt)
{
    auto a = make_a();
    auto b = make_b();
    talk(a, b);
    expect_agreed(a, b, crypto_rc4);
}

TEST(MseHandshake, PlaintextWhenThatIsAllOneSideTakes)
{
    auto a = make_a(crypto_plaintext);
    auto b = make_b();
    talk(a, b);
    expect_agreed(a, b, crypto_plaintext);
    auto a2 = make_a();
    auto b2 = make_b(crypto_plaintext);
    talk(a2, b2);
    expect_agreed(a2, b2, crypto_plaintext);
}

TEST(MseHandshake, EveryByteInItsOwnFeedAndThePadsAtTheirLimits)
{
    for (std::size_t pad : {std::size_t{0}, std::size_t{1}, mse_max_pad}) {
        auto a = make_a(crypto_rc4, pad);
        auto b = make_b(crypto_rc4, pad);
        talk(a, b, 1);
        expect_agreed(a, b, crypto_rc4);
    }
}

TEST(MseHandshake, PayloadInTheSameReadAsTheHandshakeIsDecrypted)
{
    for (std::uint32_t method : {crypto_rc4, crypto_plaintext}) {
        auto a = make_a(method);
        auto b = make_b(method);
        b.feed(a.take_output());
        a.feed(b.take_output());
        b.feed(a.take_output());
        ASSERT_TRUE(b.done());
        std::string reply = b.take_output();  // step 4, and B's handshake straight after it
        std::string theirs = "B's handshake and bitfield";
        auto b_send = b.take_send_cipher();
        std::string wire = theirs;
        if (b_send)
            b_send->process(wire);
        a.feed(reply + wire.substr(0, 5));
        ASSERT_TRUE(a.done());
        a.feed(wire.substr(5));  // after done, more bytes only add to the payload
        EXPECT_EQ(a.take_payload(), theirs);
        EXPECT_EQ(b.take_payload(), ia);
    }
}

TEST(MseHandshake, FindsTheTorrentAmongSeveralAndRefusesAnUnknownOne)
{
    auto a = MseHandshake::initiator(hash_of('z'), crypto_rc4, ia, mse_random_bytes(20), "");
    auto b = make_b();
    talk(a, b);
    ASSERT_EQ(b.error(), MseError::unknown_torrent);
    EXPECT_FALSE(a.done());
}

TEST(MseHandshake, NoCommonMethodAndABadSelectFail)
{
    auto a = make_a(crypto_rc4);
    auto b = make_b(crypto_plaintext);
    talk(a, b);
    EXPECT_EQ(b.error(), MseError::no_common_method);

    // B's step 4 with its crypto_select flipped to a value A never offered.
    auto a2 = make_a(crypto_rc4);
    auto b2 = make_b(crypto_rc4, 0);
    talk(a2, b2, 0, [](std::string& bytes, bool a_to_b, int send) {
        if (!a_to_b && send == 1)
            bytes[8 + 3] ^= 0x07;  // VC, then the low byte of crypto_select: 2 becomes 5
    });
    EXPECT_EQ(a2.error(), MseError::bad_select);
}

TEST(MseHandshake, TamperedBytesAreRejected)
{
    struct Case {
        bool a_to_b;
        int send;
        std::size_t at;  // from the start of that side's output in that round
        MseError expected;
        bool on_b;
    };
    // A's second send is step 3: req1 (20), req2^req3 (20), ENCRYPT(VC...) ...
    const Case cases[] = {
        {true, 1, 25, MseError::unknown_torrent, true},  // req2 ^ req3
        {true, 1, 41, MseError::bad_vc, true},           // the encrypted VC
        {true, 1, 3, MseError::no_sync, true},           // req1: never found
        {true, 0, 5, MseError::no_sync, true},           // Ya: another S, so another req1
        {false, 1, 2, MseError::no_sync, false},         // B's encrypted VC: never found
        {false, 1, 12, MseError::pad_too_long, false},   // len(PadD): the high byte
    };
    for (const auto& c : cases) {
        auto a = make_a(crypto_rc4, 0);
        auto b = make_b(crypto_rc4, 0);
        talk(a, b, 0, [&](std::string& bytes, bool a_to_b, int send) {
            if (a_to_b == c.a_to_b && send == c.send && c.at < bytes.size())
                bytes[c.at] ^= 0x40;
        });
        // A sync search only gives up once the whole window has arrived: fill it with noise.
        if (!a.done() && !a.error())
            a.feed(std::string(mse_max_pad + 8, '\x5a'));
        if (!b.done() && !b.error())
            b.feed(std::string(mse_max_pad + 20, '\x5a'));
        EXPECT_EQ(c.on_b ? b.error() : a.error(), c.expected) << c.at;
        EXPECT_FALSE(c.on_b ? b.done() : a.done());
    }
}

TEST(MseHandshake, ReceiverSyncWindowIsPadAOf512AndNotOneMore)
{
    for (std::size_t extra : {0, 1}) {
        auto a = make_a(crypto_rc4, mse_max_pad);
        auto b = make_b(crypto_rc4, 0);
        b.feed(a.take_output() + std::string(extra, 'p'));  // Ya, PadA (512) and one byte more
        a.feed(b.take_output());
        b.feed(a.take_output());
        if (extra == 0) {
            EXPECT_TRUE(b.done());
        } else {
            EXPECT_EQ(b.error(), MseError::no_sync);
        }
    }
}

TEST(MseHandshake, InitiatorSyncWindowIsPadBOf512AndNotOneMore)
{
    for (std::size_t extra : {0, 1}) {
        auto a = make_a(crypto_rc4, 0);
        auto b = make_b(crypto_rc4, mse_max_pad);
        b.feed(a.take_output());
        a.feed(b.take_output() + std::string(extra, 'p'));  // Yb, PadB (512) and one more
        b.feed(a.take_output());
        a.feed(b.take_output());
        if (extra == 0) {
            EXPECT_TRUE(a.done());
        } else {
            EXPECT_EQ(a.error(), MseError::no_sync);
        }
    }
}

TEST(MseHandshake, GarbageAndDegenerateKeysFailWithoutHoldingTheBytes)
{
    auto b = make_b();
    b.feed(std::string(96, '\0'));  // Y = 0
    EXPECT_EQ(b.error(), MseError::bad_public_key);
    auto b2 = make_b();
    b2.feed(std::string(96 + 600, 'g'));  // Y is 0x6767…, a valid number: the sync search gives up
    EXPECT_EQ(b2.error(), MseError::no_sync);
    b2.feed(std::string(1 << 16, 'g'));  // ignored once failed
    EXPECT_FALSE(b2.done());
    auto a = make_a();
    std::string y(96, '\0');
    y.back() = 1;  // Y = 1
    a.feed(y);
    EXPECT_EQ(a.error(), MseError::bad_public_key);
}

TEST(MseHandshake, PlainHandshakeIsToldFromYa)
{
    EXPECT_EQ(starts_plain_handshake(""), std::nullopt);
    EXPECT_EQ(starts_plain_handshake("\x13"
                                     "BitTor"),
              std::nullopt);
    EXPECT_EQ(starts_plain_handshake("\x13"
                                     "BitTorrent protocol"),
              true);
    EXPECT_EQ(starts_plain_handshake("\x13"
                                     "BitTorrent protocolxxxx"),
              true);
    EXPECT_EQ(starts_plain_handshake("\x13"
                                     "Bx"),
              false);
    EXPECT_EQ(starts_plain_handshake("\x14"), false);
}

}  // namespace
}  // namespace layer7::torrent
