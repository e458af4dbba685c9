// ServerAddress text forms.
#include "dns/resolver/server_address.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;
using namespace layer7::dns::resolver;

TEST(ServerAddress, ParsesAndPrints)
{
    EXPECT_EQ(ServerAddress::parse("192.0.2.1")->to_text(), "192.0.2.1:53");
    EXPECT_EQ(ServerAddress::parse("127.0.0.1:5300")->to_text(), "127.0.0.1:5300");
    EXPECT_EQ(ServerAddress::parse("2001:db8::1")->to_text(), "[2001:db8::1]:53");
    EXPECT_EQ(ServerAddress::parse("[::1]:5300")->to_text(), "[::1]:5300");
    EXPECT_EQ(ServerAddress::parse("::ffff:192.0.2.1")->bytes[15], 1);
    EXPECT_EQ(ServerAddress::parse("1:2:3:4:5:6:7:8")->bytes[15], 8);
}

TEST(ServerAddress, RejectsGarbage)
{
    for (auto bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:", "host:53",
                     "1::2::3", "1:2:3:4:5:6:7:8:9", "[::1", "[::1]x", "12345::", ":::", "1:2:3:4:5:6:7:8::"})
        EXPECT_FALSE(ServerAddress::parse(bad)) << bad;
}
