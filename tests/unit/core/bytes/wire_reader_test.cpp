// WireReader: big-endian reads, sticky failure at the bound, seek.
#include "core/bytes/wire_reader.hpp"

#include <gtest/gtest.h>

#include <array>

using layer7::core::WireReader;

TEST(WireReader, ReadsBigEndian)
{
    const std::array<std::uint8_t, 7> data{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
    WireReader r{std::span<const std::uint8_t>(data)};
    EXPECT_EQ(r.u8(), 0x01);
    EXPECT_EQ(r.u16(), 0x0203);
    EXPECT_EQ(r.u32(), 0x04050607u);
    EXPECT_TRUE(r.at_end());
    EXPECT_TRUE(r.ok());
}

TEST(WireReader, FailureSticksAndReturnsZero)
{
    const std::array<std::uint8_t, 3> data{0xff, 0xff, 0xff};
    WireReader r{std::span<const std::uint8_t>(data)};
    EXPECT_EQ(r.u16(), 0xffff);
    EXPECT_EQ(r.u16(), 0);  // one byte left: fails, consumes nothing
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.u8(), 0);  // sticky even though a byte remains
    EXPECT_EQ(r.position(), 2u);
}

TEST(WireReader, BytesAtLimitMinusOneLimitAndPlusOne)
{
    const std::array<std::uint8_t, 4> data{1, 2, 3, 4};
    for (std::size_t n : {3u, 4u, 5u}) {
        WireReader r{std::span<const std::uint8_t>(data)};
        auto got = r.bytes(n);
        EXPECT_EQ(r.ok(), n <= 4) << n;
        EXPECT_EQ(got.size(), n <= 4 ? n : 0u);
    }
}

TEST(WireReader, SkipSeekAndByteSpans)
{
    const std::array<std::byte, 4> data{std::byte{9}, std::byte{8}, std::byte{7}, std::byte{6}};
    WireReader r{std::span<const std::byte>(data)};
    r.skip(3);
    EXPECT_EQ(r.u8(), 6);
    r.seek(1);
    EXPECT_EQ(r.u8(), 8);
    r.seek(4);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.remaining(), 0u);
    r.seek(5);
    EXPECT_FALSE(r.ok());
}

TEST(WireReader, FailMarksMalformed)
{
    WireReader r{std::span<const std::uint8_t>()};
    EXPECT_TRUE(r.ok());
    r.fail();
    EXPECT_FALSE(r.ok());
}
