// Cache: TTL countdown and expiry, TTL caps, trust ranking, negative entries (RFC 2308), eviction.
#include "dns/resolver/cache.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;
using namespace layer7::dns::resolver;
using namespace std::chrono_literals;

namespace {
Name n(std::string_view t)
{
    return Name::parse(t).value();
}
Record a(std::string_view owner, std::uint32_t ttl, std::uint8_t last)
{
    return {n(owner), RrType::a, RrClass::in, ttl, A{{192, 0, 2, last}}};
}
Record soa(std::uint32_t ttl, std::uint32_t minimum)
{
    return {n("example.com."), RrType::soa, RrClass::in, ttl,
            Soa{n("ns.example.com."), n("h.example.com."), 1, 2, 3, 4, minimum}};
}
const Instant t0{};
}  // namespace

TEST(Cache, StoresAnRRsetAndCountsItsTtlDown)
{
    Cache c;
    std::vector<Record> set{a("www.example.com.", 300, 1), a("www.example.com.", 200, 2)};
    c.insert(set, Trust::authoritative_answer, t0);
    auto hit = c.find(n("WWW.Example.COM."), RrType::a, t0 + 50s);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->records->size(), 2u);
    EXPECT_EQ(hit->ttl, 150u);  // the lowest TTL of the set governs it
    EXPECT_FALSE(c.find(n("www.example.com."), RrType::aaaa, t0));
    EXPECT_TRUE(c.find(n("www.example.com."), RrType::a, t0 + 199s));
    EXPECT_FALSE(c.find(n("www.example.com."), RrType::a, t0 + 200s));
}

TEST(Cache, ZeroTtlIsNotStoredAndLongTtlIsCapped)
{
    CacheLimits limits;
    limits.max_ttl = 100;
    Cache c(limits);
    std::vector<Record> zero{a("z.example.com.", 0, 1)}, big{a("b.example.com.", 1'000'000, 1)};
    c.insert(zero, Trust::answer, t0);
    c.insert(big, Trust::answer, t0);
    EXPECT_FALSE(c.find(n("z.example.com."), RrType::a, t0));
    EXPECT_EQ(c.find(n("b.example.com."), RrType::a, t0)->ttl, 100u);
    EXPECT_FALSE(c.find(n("b.example.com."), RrType::a, t0 + 100s));
}

TEST(Cache, GlueDoesNotReplaceAnAuthoritativeAnswer)
{
    Cache c;
    std::vector<Record> good{a("ns.example.com.", 300, 1)}, glue{a("ns.example.com.", 300, 66)};
    c.insert(good, Trust::authoritative_answer, t0);
    c.insert(glue, Trust::glue, t0);
    EXPECT_EQ(std::get<A>(c.find(n("ns.example.com."), RrType::a, t0)->records->at(0).data).address[3], 1);
    // Once the answer expires, lower-ranked data may take its place.
    c.insert(glue, Trust::glue, t0 + 300s);
    EXPECT_EQ(c.find(n("ns.example.com."), RrType::a, t0 + 300s)->trust, Trust::glue);
    // And an answer replaces glue at once.
    c.insert(good, Trust::answer, t0 + 301s);
    EXPECT_EQ(c.find(n("ns.example.com."), RrType::a, t0 + 301s)->trust, Trust::answer);
}

TEST(Cache, NegativeTtlIsTheSoaMinimumOrItsTtl)
{
    Cache c;
    c.insert_negative(n("nope.example.com."), RrType::a, Rcode::nx_domain, soa(3600, 60), t0);
    auto neg = c.find_negative(n("nope.example.com."), RrType::mx, t0 + 10s);  // NXDOMAIN: any type
    ASSERT_TRUE(neg);
    EXPECT_EQ(neg->rcode, Rcode::nx_domain);
    EXPECT_EQ(neg->ttl, 50u);
    EXPECT_EQ(neg->soa->ttl, 50u);
    EXPECT_FALSE(c.find_negative(n("nope.example.com."), RrType::a, t0 + 60s));

    c.insert_negative(n("www.example.com."), RrType::mx, Rcode::no_error, soa(30, 600), t0);
    EXPECT_EQ(c.find_negative(n("www.example.com."), RrType::mx, t0)->ttl, 30u);
    EXPECT_FALSE(c.find_negative(n("www.example.com."), RrType::a, t0));  // NODATA: that type only
}

TEST(Cache, NegativeTtlIsCapped)
{
    CacheLimits limits;
    limits.max_negative_ttl = 10;
    Cache c(limits);
    c.insert_negative(n("nope.example.com."), RrType::a, Rcode::nx_domain, soa(3600, 3600), t0);
    EXPECT_EQ(c.find_negative(n("nope.example.com."), RrType::a, t0)->ttl, 10u);
}

TEST(Cache, NegativeWithoutSoaIsNotStored)
{
    Cache c;
    Record not_soa = a("x.example.com.", 300, 1);
    c.insert_negative(n("x.example.com."), RrType::a, Rcode::nx_domain, not_soa, t0);
    EXPECT_FALSE(c.find_negative(n("x.example.com."), RrType::a, t0));
}

TEST(Cache, PositiveDataEndsANxDomain)
{
    Cache c;
    c.insert_negative(n("new.example.com."), RrType::a, Rcode::nx_domain, soa(300, 300), t0);
    std::vector<Record> set{a("new.example.com.", 300, 1)};
    c.insert(set, Trust::authoritative_answer, t0 + 1s);
    EXPECT_FALSE(c.find_negative(n("new.example.com."), RrType::aaaa, t0 + 1s));
    EXPECT_TRUE(c.find(n("new.example.com."), RrType::a, t0 + 1s));
}

TEST(Cache, FullCacheDropsExpiredEntriesFirst)
{
    CacheLimits limits;
    limits.max_entries = 4;
    limits.shards = 1;
    Cache c(limits);
    for (int i = 0; i < 4; ++i) {
        std::vector<Record> set{a("h" + std::to_string(i) + ".example.com.", i == 0 ? 1u : 300u, 1)};
        c.insert(set, Trust::answer, t0);
    }
    EXPECT_EQ(c.size(), 4u);
    std::vector<Record> more{a("h4.example.com.", 300, 1)};
    c.insert(more, Trust::answer, t0 + 2s);  // h0 has expired: it goes
    EXPECT_EQ(c.size(), 4u);
    for (int i = 1; i <= 4; ++i)
        EXPECT_TRUE(c.find(n("h" + std::to_string(i) + ".example.com."), RrType::a, t0 + 2s)) << i;
    std::vector<Record> last{a("h5.example.com.", 300, 1)};
    c.insert(last, Trust::answer, t0 + 2s);  // nothing expired: some entry goes, the size holds
    EXPECT_EQ(c.size(), 4u);
    EXPECT_TRUE(c.find(n("h5.example.com."), RrType::a, t0 + 2s));
}
