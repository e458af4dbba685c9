// parse_root_hints: the named.root layout, IPv6 off by default, errors with file:line.
#include "dns/resolver/root_hints.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;
using namespace layer7::dns::resolver;

namespace {
// The shape of /usr/share/dns/root.hints (InterNIC named.root), two servers.
const char* hints = R"(;       This file holds the information on root name servers needed to
;       initialize cache of Internet domain name servers
.                        3600000      NS    A.ROOT-SERVERS.NET.
A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4
A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:ba3e::2:30
;
.                        3600000      NS    B.ROOT-SERVERS.NET.
B.ROOT-SERVERS.NET.      3600000      A     170.247.170.2
)";
}  // namespace

TEST(RootHints, ReadsTheNamedRootLayout)
{
    auto root = parse_root_hints(hints, "root.hints");
    ASSERT_TRUE(root.ok()) << root.error();
    EXPECT_TRUE(root->zone.is_root());
    ASSERT_EQ(root->servers.size(), 2u);
    EXPECT_EQ(root->servers[0].to_text(), "198.41.0.4:53");
    EXPECT_EQ(parse_root_hints(hints, "root.hints", true)->servers.size(), 3u);
}

TEST(RootHints, ErrorsNameTheLine)
{
    auto bad = parse_root_hints(". 3600 NS a.root.\na.root. 3600 A 999.1.1.1\n", "hints");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().rfind("hints:2:", 0), 0u) << bad.error();
    auto empty = parse_root_hints("; nothing\n", "hints");
    ASSERT_FALSE(empty.ok());
}

TEST(RootHints, NeedsAddresses)
{
    auto v6only = parse_root_hints(". 3600 NS a.root.\na.root. 3600 AAAA ::1\n", "hints");
    ASSERT_FALSE(v6only.ok());
    EXPECT_NE(v6only.error().find("no addresses"), std::string::npos);
}
