// Address prefixes and ACLs: v4, v6, host prefixes, bad input, boundaries.
#include "dns/server/acl.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

TEST(Acl, ParsesPrefixes)
{
    auto p = parse_prefix("10.0.0.0/8").value();
    std::uint8_t in[] = {10, 200, 1, 1}, out[] = {11, 0, 0, 1};
    EXPECT_TRUE(p.contains(in));
    EXPECT_FALSE(p.contains(out));
    auto host = parse_prefix("127.0.0.1").value();
    EXPECT_EQ(host.length, 32u);
    std::uint8_t lo[] = {127, 0, 0, 1}, lo2[] = {127, 0, 0, 2};
    EXPECT_TRUE(host.contains(lo));
    EXPECT_FALSE(host.contains(lo2));
    auto odd = parse_prefix("192.168.0.0/23").value();
    std::uint8_t a[] = {192, 168, 1, 9}, b[] = {192, 168, 2, 9};
    EXPECT_TRUE(odd.contains(a));
    EXPECT_FALSE(odd.contains(b));
}

TEST(Acl, Ipv6)
{
    auto p = parse_prefix("2001:db8::/32").value();
    std::uint8_t in[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff};
    std::uint8_t out[16] = {0x20, 0x01, 0x0d, 0xb9};
    EXPECT_TRUE(p.contains(in));
    EXPECT_FALSE(p.contains(out));
    std::uint8_t v4[4] = {0x20, 0x01, 0x0d, 0xb8};
    EXPECT_FALSE(p.contains(v4));  // families never match
    EXPECT_TRUE(parse_prefix("::1").has_value());
    EXPECT_TRUE(parse_prefix("::/0").value().contains(in));
}

TEST(Acl, RejectsBadInput)
{
    for (auto bad : {"", "10.0.0.0/33", "10.0.0/8", "::1/129", "host.example", "10.0.0.0/", "10.0.0.0/8x", "1.2.3.4/-1"})
        EXPECT_FALSE(parse_prefix(bad).has_value()) << bad;
    EXPECT_TRUE(parse_prefix("10.0.0.0/32").has_value());
    EXPECT_TRUE(parse_prefix("0.0.0.0/0").has_value());
}

TEST(Acl, EmptyAllowsEverybodyButContainsNobody)
{
    Acl empty;
    std::uint8_t a[] = {1, 2, 3, 4};
    EXPECT_TRUE(empty.allows(a));
    EXPECT_FALSE(empty.contains(a));
    Acl one({parse_prefix("1.2.3.0/24").value()});
    std::uint8_t b[] = {1, 2, 4, 4};
    EXPECT_TRUE(one.allows(a));
    EXPECT_FALSE(one.allows(b));
}
