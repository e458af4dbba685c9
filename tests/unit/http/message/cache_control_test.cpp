// Tests for http/message/cache_control (RFC 9111 §5.2).
#include "http/message/cache_control.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

TEST(CacheControl, ResponseDirectives)
{
    auto cc = parse_cache_control(R"(public, max-age=3600, s-maxage="60", must-revalidate, immutable)");
    EXPECT_TRUE(cc.is_public);
    EXPECT_EQ(cc.max_age, 3600u);
    EXPECT_EQ(cc.s_maxage, 60u);
    EXPECT_TRUE(cc.must_revalidate);
    EXPECT_TRUE(cc.immutable);
    EXPECT_FALSE(cc.no_store);
    EXPECT_FALSE(cc.invalid);
}

TEST(CacheControl, QualifiedForms)
{
    auto cc = parse_cache_control(R"(private="Set-Cookie, X-A", no-cache="Authorization")");
    EXPECT_TRUE(cc.is_private);
    EXPECT_EQ(cc.private_fields, (std::vector<std::string>{"set-cookie", "x-a"}));
    EXPECT_TRUE(cc.no_cache);
    EXPECT_EQ(cc.no_cache_fields, (std::vector<std::string>{"authorization"}));
}

TEST(CacheControl, RequestDirectives)
{
    auto cc = parse_cache_control("No-Cache, NO-STORE, max-stale, min-fresh=5, only-if-cached, no-transform");
    EXPECT_TRUE(cc.no_cache);
    EXPECT_TRUE(cc.no_store);
    EXPECT_TRUE(cc.max_stale_any);
    EXPECT_FALSE(cc.max_stale);
    EXPECT_EQ(cc.min_fresh, 5u);
    EXPECT_TRUE(cc.only_if_cached);
    EXPECT_TRUE(cc.no_transform);
    EXPECT_EQ(parse_cache_control("max-stale=10").max_stale, 10u);
}

TEST(CacheControl, DeltaSecondsSaturate)
{
    EXPECT_EQ(parse_cache_control("max-age=99999999999999999999").max_age, 2147483648u);  // §1.2.2
    EXPECT_EQ(parse_cache_control("max-age=2147483647").max_age, 2147483647u);
}

TEST(CacheControl, InvalidAndExtensions)
{
    auto cc = parse_cache_control(R"(max-age=abc, max-age, stale-if-error=-1, community="UCI", x)");
    EXPECT_TRUE(cc.invalid);
    EXPECT_FALSE(cc.max_age);
    EXPECT_FALSE(cc.stale_if_error);
    ASSERT_EQ(cc.extensions.size(), 2u);
    EXPECT_EQ(cc.extensions[0], (std::pair<std::string, std::string>{"community", "UCI"}));
    EXPECT_EQ(cc.extensions[1].first, "x");
    EXPECT_TRUE(parse_cache_control(R"(max-age="1)").invalid);
    EXPECT_TRUE(parse_cache_control("").extensions.empty());
}

TEST(CacheControl, NoWhitespaceAroundTheEqualsSign)
{
    // §5.2: cache-directive = token [ "=" ( token / quoted-string ) ] — no OWS either side of "=".
    for (const char* v : {"max-age= 3600", "max-age =3600", "max-age = 3600", "s-maxage=\t60"}) {
        auto cc = parse_cache_control(v);
        EXPECT_TRUE(cc.invalid) << v;
        EXPECT_FALSE(cc.max_age) << v;
        EXPECT_FALSE(cc.s_maxage) << v;
    }
    EXPECT_EQ(parse_cache_control(" max-age=3600 , public").max_age, 3600u);  // list OWS is fine
}

TEST(CacheControl, FirstOccurrenceWins)
{
    // §4.2.1: with several values for one directive, use the first (or consider it stale).
    EXPECT_EQ(parse_cache_control("max-age=60, max-age=3600").max_age, 60u);
}
