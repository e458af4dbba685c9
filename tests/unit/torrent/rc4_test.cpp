// RC4 against published vectors: the classic short-key examples and RFC 6229's 40-bit key at
// keystream offsets 0, 16 and 1024 (the offset MSE starts at after discarding 1024 bytes).
#include <gtest/gtest.h>

#include <string>

#include "../hex.hpp"
#include "torrent/rc4.hpp"

namespace layer7::torrent {
namespace {

std::string hex(std::string_view s)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string bytes(std::string_view h)
{
    auto v = from_hex(h);
    return std::string(v.begin(), v.end());
}

std::string encrypt(std::string_view key, std::string text)
{
    Rc4 rc4(key);
    rc4.process(text);
    return hex(text);
}

TEST(Rc4, ClassicVectors)
{
    EXPECT_EQ(encrypt("Key", "Plaintext"), "bbf316e8d940af0ad3");
    EXPECT_EQ(encrypt("Wiki", "pedia"), "1021bf0420");
    EXPECT_EQ(encrypt("Secret", "Attack at dawn"), "45a01f645fc35b383552544b9bf5");
}

TEST(Rc4, Rfc6229FortyBitKeyAtOffsets0And1024)
{
    const std::string key = bytes("0102030405");
    EXPECT_EQ(encrypt(key, std::string(32, '\0')),
              "b2396305f03dc027ccc3524a0a1118a8"
              "6982944f18fc82d589c403a47a0d0919");
    Rc4 dropped(key);
    dropped.discard(1024);
    std::string zeros(16, '\0');
    dropped.process(zeros);
    EXPECT_EQ(hex(zeros), "30abbcc7c20b01609f23ee2d5f6bb7df");
}

TEST(Rc4, AnySplitGivesTheSameKeystreamAndDecrypts)
{
    const std::string text = "The quick brown fox jumps over the lazy dog, twice over the lazy dog.";
    std::string whole = text;
    Rc4("secret key").process(whole);
    for (std::size_t split = 0; split <= text.size(); ++split) {
        std::string parts = text;
        Rc4 rc4("secret key");
        rc4.process(parts.data(), split);
        rc4.process(parts.data() + split, parts.size() - split);
        ASSERT_EQ(parts, whole) << split;
        Rc4 back("secret key");
        back.process(parts);
        ASSERT_EQ(parts, text);
    }
}

}  // namespace
}  // namespace layer7::torrent
