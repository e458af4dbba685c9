// Address prefixes and ACLs: v4, v6, host prefixes, bad input, boundaries, IPv4-mapped clients;
// the authority's lists (empty: everybody may query) and the resolver's (empty: nobody).
#include "dns/transport/acl.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "core/text/ip_text.hpp"

using namespace layer7::dns;

namespace {
// A client address's octets from its text.
std::vector<std::uint8_t> at(const std::string& text)
{
    if (auto v4 = layer7::core::parse_ipv4(text))
        return {v4->begin(), v4->end()};
    auto v6 = layer7::core::parse_ipv6(text).value();
    return {v6.begin(), v6.end()};
}

Acl acl_of(std::initializer_list<const char*> texts)
{
    std::vector<Prefix> prefixes;
    for (auto t : texts)
        prefixes.push_back(parse_prefix(t).value());
    return Acl(std::move(prefixes));
}
}  // namespace

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
    for (auto bad :
         {"", "10.0.0.0/33", "10.0.0/8", "::1/129", "host.example", "10.0.0.0/", "10.0.0.0/8x", "1.2.3.4/-1"})
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

TEST(Acl, TheResolversLoopbackDefault)
{
    Acl acl = acl_of({"127.0.0.0/8", "::1/128"});
    EXPECT_TRUE(acl.contains(at("127.0.0.1")));
    EXPECT_TRUE(acl.contains(at("127.255.0.9")));
    EXPECT_TRUE(acl.contains(at("::1")));
    EXPECT_TRUE(acl.contains(at("::ffff:127.0.0.1")));  // IPv4-mapped: matched as IPv4
    EXPECT_FALSE(acl.contains(at("::ffff:128.0.0.1")));
    EXPECT_FALSE(acl.contains(at("192.0.2.1")));
    EXPECT_FALSE(acl.contains(at("::2")));
    EXPECT_FALSE(acl.contains(at("128.0.0.1")));
}

TEST(Acl, PrefixBoundaries)
{
    Acl acl = acl_of({"10.1.2.0/23", "2001:db8::/33"});
    EXPECT_TRUE(acl.contains(at("10.1.2.7")));
    EXPECT_TRUE(acl.contains(at("10.1.3.255")));
    EXPECT_FALSE(acl.contains(at("10.1.4.0")));
    EXPECT_FALSE(acl.contains(at("10.1.1.255")));
    EXPECT_TRUE(acl.contains(at("2001:db8:7fff::1")));
    EXPECT_FALSE(acl.contains(at("2001:db8:8000::1")));
    EXPECT_TRUE(acl_of({"0.0.0.0/0"}).contains(at("198.51.100.1")));
}

TEST(Acl, PrefixLengths)
{
    EXPECT_EQ(parse_prefix("127.0.0.1")->length, 32u);
    EXPECT_EQ(parse_prefix("::1")->length, 128u);
    EXPECT_EQ(parse_prefix("10.0.0.0/32")->length, 32u);
    EXPECT_EQ(parse_prefix("::/128")->length, 128u);
    for (auto bad : {"::/129", "x/8", "[::1]", "[::1]/128", "10.0.0.1:53", "010.0.0.1"})
        EXPECT_FALSE(parse_prefix(bad)) << bad;
}
