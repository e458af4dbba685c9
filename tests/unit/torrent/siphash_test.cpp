// SipHash-2-4 against the reference vectors (key 00..0f, messages 00..n-1) from the paper's code.
#include <gtest/gtest.h>

#include "torrent/siphash.hpp"

namespace layer7::torrent {
namespace {

TEST(SipHash, ReferenceVectors)
{
    SipKey key;
    for (int i = 0; i < 16; ++i)
        key[i] = static_cast<std::uint8_t>(i);
    std::string message;
    EXPECT_EQ(siphash24(key, message), 0x726fdb47dd0e0e31ULL);
    for (int i = 0; i < 15; ++i)
        message += static_cast<char>(i);
    EXPECT_EQ(siphash24(key, message), 0xa129ca6149be45e5ULL);
}

}  // namespace
}  // namespace layer7::torrent
