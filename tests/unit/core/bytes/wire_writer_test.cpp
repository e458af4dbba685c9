// WireWriter: big-endian appends, try writes that never write partially, patching.
#include "core/bytes/wire_writer.hpp"

#include <gtest/gtest.h>

using layer7::core::WireWriter;

TEST(WireWriter, WritesBigEndian)
{
    WireWriter w;
    w.u8(1);
    w.u16(0x0203);
    w.u32(0x04050607);
    w.bytes(std::string_view("ab"));
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(w.buffer(), (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 'a', 'b'}));
}

TEST(WireWriter, TryWritesAtLimitMinusOneLimitAndPlusOne)
{
    for (std::size_t max : {3u, 4u, 5u}) {
        WireWriter w(max);
        EXPECT_EQ(w.try_u32(0xdeadbeef), max >= 4) << max;
        EXPECT_EQ(w.size(), max >= 4 ? 4u : 0u);  // nothing partial
        EXPECT_TRUE(w.ok());                      // try writes never set the failure
    }
}

TEST(WireWriter, PlainWriteOverMaxFailsAndSticks)
{
    WireWriter w(3);
    w.u16(1);
    w.u16(2);
    EXPECT_FALSE(w.ok());
    EXPECT_EQ(w.size(), 2u);
    w.u8(3);  // fits, is written, but the failure stays
    EXPECT_FALSE(w.ok());
}

TEST(WireWriter, PatchAndTruncate)
{
    WireWriter w;
    w.u16(0);
    w.u16(0);
    w.patch_u16(2, 0xabcd);
    EXPECT_EQ(w.buffer(), (std::vector<std::uint8_t>{0, 0, 0xab, 0xcd}));
    w.truncate(1);
    EXPECT_EQ(w.size(), 1u);
    w.patch_u16(0, 1);  // would run past the end
    EXPECT_FALSE(w.ok());
    EXPECT_EQ(w.take().size(), 1u);
}
