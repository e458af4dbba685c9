// InfoHash text forms: hex and RFC 4648 base32, both ways.
#include <gtest/gtest.h>

#include "torrent/info_hash.hpp"

namespace layer7::torrent {
namespace {

TEST(InfoHash, HexAndBase32RoundTrip)
{
    auto h = InfoHash::from_hex("c12fe1c06bba254a9dc9f519b335aa7c1367a88a");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->hex(), "c12fe1c06bba254a9dc9f519b335aa7c1367a88a");
    EXPECT_EQ(InfoHash::from_hex("C12FE1C06BBA254A9DC9F519B335AA7C1367A88A"), h);
    const std::string b32 = h->base32();
    EXPECT_EQ(b32.size(), 32u);
    EXPECT_EQ(InfoHash::from_base32(b32), h);
}

TEST(InfoHash, Base32KnownVector)
{
    // RFC 4648 §10: BASE32("foobar") = "MZXW6YTBOI======"; here 20 bytes of 0x00 and of 0xff.
    InfoHash zero;
    EXPECT_EQ(zero.base32(), std::string(32, 'A'));
    InfoHash ones;
    ones.bytes.fill(0xff);
    EXPECT_EQ(ones.base32(), std::string(32, '7'));
    EXPECT_EQ(InfoHash::from_base32(std::string(32, 'a')), zero);
}

TEST(InfoHash, RefusesBadText)
{
    EXPECT_FALSE(InfoHash::from_hex("c12f"));
    EXPECT_FALSE(InfoHash::from_hex(std::string(40, 'g')));
    EXPECT_FALSE(InfoHash::from_base32(std::string(32, '1')));
    EXPECT_FALSE(InfoHash::from_base32(std::string(31, 'A')));
    EXPECT_FALSE(InfoHash::from_raw("short"));
}

}  // namespace
}  // namespace layer7::torrent
