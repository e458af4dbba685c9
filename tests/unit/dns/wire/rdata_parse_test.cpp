// Rdata from zone-file tokens: every typed form, the RFC 3597 \# form, and rejections.
#include "dns/wire/rdata_parse.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

namespace {
std::vector<TextToken> tokens(std::initializer_list<const char*> words)
{
    std::vector<TextToken> out;
    for (auto w : words) {
        std::string_view s = w;
        bool quoted = s.size() >= 2 && s.front() == '"';
        out.push_back({std::string(quoted ? s.substr(1, s.size() - 2) : s), quoted});
    }
    return out;
}
std::string parsed(RrType type, std::initializer_list<const char*> words)
{
    auto r = parse_rdata(type, tokens(words), Name::parse("example.com.").value());
    return r.ok() ? to_text(r.value()) : "error: " + r.error();
}
}  // namespace

TEST(RdataParse, TypedForms)
{
    EXPECT_EQ(parsed(RrType::a, {"10.0.0.1"}), "10.0.0.1");
    EXPECT_EQ(parsed(RrType::aaaa, {"2001:DB8:0:0:1::1"}), "2001:db8::1:0:0:1");
    EXPECT_EQ(parsed(RrType::aaaa, {"::ffff:192.0.2.1"}), "::ffff:c000:201");
    EXPECT_EQ(parsed(RrType::ns, {"ns1"}), "ns1.example.com.");
    EXPECT_EQ(parsed(RrType::cname, {"@"}), "example.com.");
    EXPECT_EQ(parsed(RrType::mx, {"10", "mail.other."}), "10 mail.other.");
    EXPECT_EQ(parsed(RrType::soa, {"ns", "admin", "2024010101", "1h", "30m", "1w", "1d"}),
              "ns.example.com. admin.example.com. 2024010101 3600 1800 604800 86400");
    EXPECT_EQ(parsed(RrType::txt, {"\"hello world\"", "bare", "\"q\\\"\\065\""}),
              "\"hello world\" \"bare\" \"q\\\"A\"");
    EXPECT_EQ(parsed(RrType::srv, {"0", "5", "5060", "sip"}), "0 5 5060 sip.example.com.");
    EXPECT_EQ(parsed(RrType::caa, {"128", "issue", "\"ca.example.net; account=1\""}),
              "128 issue \"ca.example.net; account=1\"");
    EXPECT_EQ(parsed(RrType::hinfo, {"\"PC\"", "Linux"}), "\\# 9 025043054c696e7578");
}

TEST(RdataParse, GenericForm)
{
    EXPECT_EQ(parsed(static_cast<RrType>(731), {"\\#", "6", "abcd", "ef", "012345"}), "\\# 6 abcdef012345");
    EXPECT_EQ(parsed(static_cast<RrType>(731), {"\\#", "5", "abcd", "ef", "012345"}),
              "error: \\# length 5 does not match the hex data");
    EXPECT_EQ(parsed(static_cast<RrType>(731), {"\\#", "3", "abcdef"}), "\\# 3 abcdef");
    EXPECT_EQ(parsed(static_cast<RrType>(62347), {"\\#", "0"}), "\\# 0");
    EXPECT_EQ(parsed(RrType::a, {"\\#", "4", "0A000001"}), "10.0.0.1");  // RFC 3597 §5 example
    EXPECT_EQ(parsed(RrType::a, {"\\#", "3", "0A0000"}).substr(0, 6), "error:");
}

TEST(RdataParse, Rejections)
{
    for (auto bad : {"256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.x"})
        EXPECT_EQ(parsed(RrType::a, {bad}).substr(0, 6), "error:") << bad;
    for (auto bad : {"1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1::", "1:"})
        EXPECT_EQ(parsed(RrType::aaaa, {bad}).substr(0, 6), "error:") << bad;
    EXPECT_EQ(parsed(RrType::mx, {"65536", "mx"}).substr(0, 6), "error:");
    EXPECT_EQ(parsed(RrType::mx, {"10"}), "error: MX takes 2 fields, got 1");
    EXPECT_EQ(parsed(RrType::caa, {"0", "is-sue", "x"}).substr(0, 6), "error:");
    EXPECT_EQ(parsed(RrType::caa, {"0", "abcdefghijklmnop", "x"}).substr(0, 6), "error:");  // 16 > 15
    EXPECT_EQ(parsed(static_cast<RrType>(99), {"x"}).substr(0, 6), "error:");
    std::string long_string = "\"" + std::string(256, 'x') + "\"";
    EXPECT_EQ(parsed(RrType::txt, {long_string.c_str()}).substr(0, 6), "error:");
}

TEST(RdataParse, TtlUnits)
{
    EXPECT_EQ(parse_ttl("3600"), 3600u);
    EXPECT_EQ(parse_ttl("1h30m"), 5400u);
    EXPECT_EQ(parse_ttl("1D"), 86400u);
    EXPECT_EQ(parse_ttl("1w2d3h4m5s"), 604800u + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    EXPECT_EQ(parse_ttl("4294967295"), 4294967295u);
    EXPECT_EQ(parse_ttl("4294967296"), std::nullopt);
    for (auto bad : {"", "h", "1x", "1h30", "-1", "1.5h"})
        EXPECT_EQ(parse_ttl(bad), std::nullopt) << bad;
}

TEST(RdataParse, CharacterStringLimitAndIpv6Format)
{
    EXPECT_TRUE(parse_character_string(std::string(255, 'a')).has_value());
    EXPECT_FALSE(parse_character_string(std::string(256, 'a')).has_value());
    EXPECT_EQ(format_ipv6(parse_ipv6("::").value()), "::");
    EXPECT_EQ(format_ipv6(parse_ipv6("1:0:0:2:0:0:0:3").value()), "1:0:0:2::3");
    EXPECT_EQ(format_ipv6(parse_ipv6("2001:db8:0:1:1:1:1:1").value()), "2001:db8:0:1:1:1:1:1");
}
