// SHA-1 (FIPS 180-4 examples) and the info-hash of a known info dictionary.
#include <gtest/gtest.h>

#include "torrent/sha1.hpp"

namespace layer7::torrent {
namespace {

TEST(Sha1, FipsVectorsAndIncremental)
{
    EXPECT_EQ(InfoHash{sha1("abc")}.hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
    Sha1 h;
    h.update("a");
    h.update("bc");
    EXPECT_EQ(InfoHash{h.finish()}.hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
    h.update("");
    EXPECT_EQ(InfoHash{h.finish()}.hex(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

}  // namespace
}  // namespace layer7::torrent
