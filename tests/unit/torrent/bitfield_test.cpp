// Bitfield (BEP 3's bitfield payload): bit order, size and spare bits.
#include <gtest/gtest.h>

#include "torrent/bitfield.hpp"

namespace layer7::torrent {
namespace {

TEST(Bitfield, HighBitOfFirstByteIsPieceZero)
{
    Bitfield b(10);
    b.set(0);
    b.set(9);
    EXPECT_EQ(b.to_wire(), std::string("\x80\x40", 2));
    auto back = Bitfield::from_wire(b.to_wire(), 10);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->test(0));
    EXPECT_TRUE(back->test(9));
    EXPECT_FALSE(back->test(1));
    EXPECT_EQ(back->count(), 2u);
}

TEST(Bitfield, WrongSizeOrSpareBitRefused)
{
    EXPECT_FALSE(Bitfield::from_wire(std::string("\xff", 1), 10));          // 10 pieces need 2 bytes
    EXPECT_FALSE(Bitfield::from_wire(std::string("\xff\xc0\x00", 3), 10));  // one byte too many
    EXPECT_FALSE(Bitfield::from_wire(std::string("\xff\xe0", 2), 10));      // bit 10 is spare
    auto full = Bitfield::from_wire(std::string("\xff\xc0", 2), 10);
    ASSERT_TRUE(full);
    EXPECT_TRUE(full->all());
}

}  // namespace
}  // namespace layer7::torrent
