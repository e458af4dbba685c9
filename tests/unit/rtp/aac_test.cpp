#include "rtp/aac.hpp"

#include <gtest/gtest.h>

namespace layer7::rtp::aac {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Aac, OneAuPerPacketWithItsHeader)
{
    const Bytes au(300, 0x21);
    auto p = packetize(au, 1400);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0][0], 0);
    EXPECT_EQ(p[0][1], 16);  // AU-headers-length in bits
    EXPECT_EQ((p[0][2] << 8 | p[0][3]) >> 3, 300);
    auto aus = depacketize(p[0]);
    ASSERT_EQ(aus.size(), 1u);
    EXPECT_EQ(Bytes(aus[0].begin(), aus[0].end()), au);
}

TEST(Aac, FragmentsAreNotWholeAus)
{
    auto p = packetize(Bytes(3000, 1), 1000);
    ASSERT_EQ(p.size(), 4u);
    EXPECT_TRUE(depacketize(p[0]).empty());
    EXPECT_TRUE(depacketize(Bytes{0, 17, 0}).empty());
    EXPECT_TRUE(packetize(Bytes(9000, 1), 1000).empty());  // over 13 bits of size
}

TEST(Aac, Fmtp)
{
    EXPECT_EQ(fmtp(Bytes{0x12, 0x10}),
              "profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1210");
}

TEST(Aac, AudioSpecificConfigFromFmtp)
{
    EXPECT_EQ(audio_specific_config(fmtp(Bytes{0x12, 0x10})), (Bytes{0x12, 0x10}));
    // ffmpeg's form: spaces after ';', lower-case hex, the name in any case
    EXPECT_EQ(audio_specific_config("profile-level-id=1; mode=AAC-hbr; sizelength=13; CONFIG=1190"),
              (Bytes{0x11, 0x90}));
    EXPECT_TRUE(audio_specific_config("mode=AAC-hbr").empty());
    EXPECT_TRUE(audio_specific_config("config=12g0").empty());
    EXPECT_TRUE(audio_specific_config("config=121").empty());
}

}  // namespace
}  // namespace layer7::rtp::aac
