// Acl: prefixes, loopback default, IPv4-mapped clients.
#include "dns/resolver/acl.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;
using namespace layer7::dns::resolver;

namespace {
ServerAddress at(std::string_view t)
{
    return *ServerAddress::parse(t);
}
}  // namespace

TEST(Acl, LoopbackByDefault)
{
    Acl acl = Acl::loopback();
    EXPECT_TRUE(acl.allows(at("127.0.0.1")));
    EXPECT_TRUE(acl.allows(at("127.255.0.9")));
    EXPECT_TRUE(acl.allows(at("::1")));
    EXPECT_TRUE(acl.allows(at("::ffff:127.0.0.1")));
    EXPECT_FALSE(acl.allows(at("192.0.2.1")));
    EXPECT_FALSE(acl.allows(at("::2")));
    EXPECT_FALSE(acl.allows(at("128.0.0.1")));
}

TEST(Acl, PrefixBoundaries)
{
    Acl acl({*parse_prefix("10.1.2.0/23"), *parse_prefix("2001:db8::/33")});
    EXPECT_TRUE(acl.allows(at("10.1.2.7")));
    EXPECT_TRUE(acl.allows(at("10.1.3.255")));
    EXPECT_FALSE(acl.allows(at("10.1.4.0")));
    EXPECT_FALSE(acl.allows(at("10.1.1.255")));
    EXPECT_TRUE(acl.allows(at("2001:db8:7fff::1")));
    EXPECT_FALSE(acl.allows(at("2001:db8:8000::1")));
    EXPECT_TRUE(Acl({*parse_prefix("0.0.0.0/0")}).allows(at("198.51.100.1")));
    EXPECT_FALSE(Acl().allows(at("127.0.0.1")));
}

TEST(Acl, ParsePrefix)
{
    EXPECT_EQ(parse_prefix("127.0.0.1")->length, 32u);
    EXPECT_EQ(parse_prefix("::1")->length, 128u);
    EXPECT_EQ(parse_prefix("10.0.0.0/32")->length, 32u);
    for (auto bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0/8", "x/8", "10.0.0.0/-1"})
        EXPECT_FALSE(parse_prefix(bad)) << bad;
}
