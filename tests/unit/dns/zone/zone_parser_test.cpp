// Zone parser: every syntax feature in one file, and each error reported at its line.
#include "dns/zone/zone_parser.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

namespace {
Name n(std::string_view t)
{
    return Name::parse(t).value();
}

const char* full_zone = R"(; every feature the parser knows
$TTL 1h30m
$ORIGIN example.com.
@   IN  SOA ns1 hostmaster (
            2024010101 ; serial
            1d 2h 1w 5m )
    IN  NS  ns1
        NS  ns2.example.net.
ns1 IN 300 A 192.0.2.53          ; class then TTL
ns1 AAAA 2001:db8::53
www 600 IN A 192.0.2.80          ; TTL then class
    A   192.0.2.81               ; previous owner
ftp     CNAME www
mail    MX 10 mx.example.com.
mx      A 192.0.2.25
text    TXT "hello \"world\"" "semi;colon" \065BC
_sip._udp SRV 0 5 5060 sip
sip     A 192.0.2.60
@       CAA 0 issue "ca.example.net"
a\.b    A 192.0.2.1
x       TYPE65280 \# 2 abcd
$ORIGIN sub.example.com.
host    A 192.0.2.90
*.wild.example.com. 1D TXT wildcard
)";
}  // namespace

TEST(ZoneParser, EverySyntaxFeature)
{
    auto z = parse_zone(full_zone, n("example.com."), "example.com.db");
    ASSERT_TRUE(z.ok()) << to_text(z.error());
    const Zone& zone = z.value();
    auto soa = zone.soa();
    ASSERT_TRUE(soa);
    EXPECT_EQ(soa->ttl, 5400u);
    EXPECT_EQ(to_text(soa->rdatas[0]), "ns1.example.com. hostmaster.example.com. 2024010101 86400 7200 604800 300");
    EXPECT_EQ(zone.find(n("example.com."), RrType::ns)->rdatas.size(), 2u);
    EXPECT_EQ(zone.find(n("ns1.example.com."), RrType::a)->ttl, 300u);
    EXPECT_EQ(zone.find(n("ns1.example.com."), RrType::aaaa)->ttl, 5400u);  // $TTL, not the last TTL
    auto www = zone.find(n("www.example.com."), RrType::a);
    ASSERT_TRUE(www);
    EXPECT_EQ(www->rdatas.size(), 2u);
    EXPECT_EQ(to_text(zone.find(n("ftp.example.com."), RrType::cname)->rdatas[0]), "www.example.com.");
    EXPECT_EQ(to_text(zone.find(n("text.example.com."), RrType::txt)->rdatas[0]),
              "\"hello \\\"world\\\"\" \"semi;colon\" \"ABC\"");
    EXPECT_TRUE(zone.find(n("_sip._udp.example.com."), RrType::srv));
    EXPECT_TRUE(zone.find(n("example.com."), RrType::caa));
    EXPECT_TRUE(zone.find(Name::parse("a\\.b.example.com.").value(), RrType::a));
    EXPECT_TRUE(zone.find(n("x.example.com."), static_cast<RrType>(65280)));
    EXPECT_TRUE(zone.find(n("host.sub.example.com."), RrType::a));
    EXPECT_EQ(zone.find(n("*.wild.example.com."), RrType::txt)->ttl, 86400u);
}

TEST(ZoneParser, TtlFallbacks)
{
    // Without $TTL: the SOA's minimum for the SOA, then the last explicit TTL (BIND).
    auto z = parse_zone("@ SOA ns h 1 2 3 4 99\n@ NS ns\nns 77 A 192.0.2.1\nns AAAA ::1\n", n("t."), "t");
    ASSERT_TRUE(z.ok()) << to_text(z.error());
    EXPECT_EQ(z->soa()->ttl, 99u);
    EXPECT_EQ(z->find(n("t."), RrType::ns)->ttl, 99u);
    EXPECT_EQ(z->find(n("ns.t."), RrType::aaaa)->ttl, 77u);
}

TEST(ZoneParser, ErrorsAtTheirLines)
{
    const std::string head = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";  // 4 lines
    struct Case {
        std::string tail;
        std::size_t line;
        std::string words;
    } cases[] = {
        {"$INCLUDE other.db\n", 5, "$INCLUDE is not supported"},
        {"$GENERATE 1-2 a A 1.2.3.4\n", 5, "unknown directive"},
        {"x A 1.2.3\n", 5, "bad IPv4"},
        {"\n\nx BOGUS 1\n", 7, "unknown type"},
        {"x CH A 1.2.3.4\n", 5, "class CH"},
        {"www.other.org. A 192.0.2.1\n", 5, "outside the zone"},
        {"x SOA ns h 1 2 3 4 5\n", 5, "not at the zone apex"},
        {"@ SOA ns h 2 2 3 4 5\n", 5, "more than one SOA"},
        {"c CNAME ns\nc A 192.0.2.2\n", 6, "CNAME and other data"},
        {"c A 192.0.2.2\nc CNAME ns\n", 6, "CNAME and other data"},
        {"c CNAME ns\nc CNAME ns2\n", 6, "more than one CNAME"},
        {"sub NS ns.sub\n", 5, "no A or AAAA record (glue)"},
        {"x TXT (\n \"a\"\n", 5, "'(' without ')'"},
        {"x 99999999999 A 192.0.2.1\n", 5, "bad TTL"},
        {"x A\n", 5, "takes 1 fields"},
        {"x OPT \\# 0\n", 5, "not a record type"},
        {"x\n", 5, "missing type"},
    };
    for (auto& c : cases) {
        auto z = parse_zone(head + c.tail, n("t."), "t.db");
        ASSERT_FALSE(z.ok()) << c.tail;
        EXPECT_EQ(z.error().file, "t.db");
        EXPECT_EQ(z.error().line, c.line) << c.tail << " -> " << z.error().message;
        EXPECT_NE(z.error().message.find(c.words), std::string::npos) << z.error().message;
    }
    EXPECT_EQ(parse_zone(" A 192.0.2.1\n", n("t."), "t").error().line, 1u);  // no previous owner
    EXPECT_EQ(parse_zone("@ 60 NS ns\nns 60 A 192.0.2.1\n", n("t."), "t").error().line, 0u);
    EXPECT_NE(parse_zone("@ 60 SOA ns h 1 2 3 4 5\n", n("t."), "t").error().message.find("no NS"), std::string::npos);
    EXPECT_NE(parse_zone("a 60 A 192.0.2.1\n", n("t."), "t").error().message.find("no SOA"), std::string::npos);
}

TEST(ZoneParser, GluePresentUnderDelegationIsAccepted)
{
    auto z = parse_zone(
        "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
        "sub NS ns.sub\nns.sub A 192.0.2.2\nsub NS ns.elsewhere.\n",
        n("t."), "t");
    EXPECT_TRUE(z.ok()) << to_text(z.error());
}

TEST(ZoneParser, MaxRecordsAtLimitMinusOneLimitAndPlusOne)
{
    const std::string text = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";  // 3 records
    for (std::size_t max : {2u, 3u, 4u}) {
        ZoneLimits limits;
        limits.max_records = max;
        EXPECT_EQ(parse_zone(text, n("t."), "t", limits).ok(), max >= 3) << max;
    }
}
