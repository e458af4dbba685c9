// The dynamic-zone settings' text forms: keys, grants, NOTIFY targets, followed zones.
#include "dns/server/zone_policy.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

TEST(ZonePolicy, GrantsNotifyAndSecondaries)
{
    DynamicSettings s;
    s.keys = {"hmac-sha256:ddns:c2VjcmV0", "xfr:c2VjcmV0"};
    s.allow_update = {"example.test=ddns", "dyn.test.=ddns host A AAAA txt"};
    s.notify = {"127.0.0.2", "127.0.0.3:5301", "[::1]:53"};
    s.secondaries = {"other.test=127.0.0.9:5300"};
    s.transfer_key = "xfr";
    auto p = parse_dynamic(s);
    ASSERT_TRUE(p.ok()) << p.error();
    const auto& g = p.value().grants.at(Name::parse("dyn.test.").value()).at(0);
    EXPECT_EQ(g.names, std::vector<Name>{Name::parse("host.dyn.test.").value()});
    EXPECT_EQ(g.types, (std::vector<RrType>{RrType::a, RrType::aaaa, RrType::txt}));
    EXPECT_TRUE(p.value().grants.at(Name::parse("example.test.").value()).at(0).names.empty());
    ASSERT_EQ(p.value().notify.size(), 3u);
    EXPECT_EQ(p.value().notify[0].port(), 53);
    EXPECT_EQ(p.value().notify[1].port(), 5301);
    EXPECT_TRUE(p.value().notify[2].address().is_v6());
    EXPECT_EQ(p.value().secondaries.at(0).second.port(), 5300);
    EXPECT_TRUE(p.value().key(*p.value().transfer_key));
}

TEST(ZonePolicy, ErrorsNameTheSetting)
{
    auto error = [](DynamicSettings s) { return parse_dynamic(s).ok() ? std::string() : parse_dynamic(s).error(); };
    DynamicSettings s;
    s.allow_update = {"example.test=nokey"};
    EXPECT_EQ(error(s).rfind("allow_update:", 0), 0u);
    s = {};
    s.keys = {"k:c2VjcmV0"};
    s.allow_update = {"example.test=k www.other.test."};
    EXPECT_EQ(error(s).rfind("allow_update:", 0), 0u);
    s = {};
    s.notify = {"ns1.example.test"};
    EXPECT_EQ(error(s).rfind("notify:", 0), 0u);
    s = {};
    s.secondaries = {"example.test"};
    EXPECT_EQ(error(s).rfind("secondary:", 0), 0u);
    s = {};
    s.primary_key = "missing";
    EXPECT_EQ(error(s).rfind("primary_key:", 0), 0u);
    s = {};
    s.key_files = {"/nonexistent/key"};
    EXPECT_EQ(error(s).rfind("key_files:", 0), 0u);
    EXPECT_FALSE(parse_endpoint("127.0.0.1:0"));
    EXPECT_FALSE(parse_endpoint("127.0.0.1:x"));
}
