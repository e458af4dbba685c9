// Tests for http/message/etag (RFC 9110 §8.8.3, §13.1.1, §13.1.2).
#include "http/message/etag.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

TEST(Etag, Parse)
{
    auto t = parse_etag(R"("xyzzy")");
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->weak);
    EXPECT_EQ(t->opaque, "xyzzy");
    t = parse_etag(R"( W/"xyzzy" )");
    ASSERT_TRUE(t);
    EXPECT_TRUE(t->weak);
    EXPECT_EQ(to_string(*t), R"(W/"xyzzy")");
    EXPECT_EQ(parse_etag(R"("")")->opaque, "");
    EXPECT_FALSE(parse_etag("xyzzy"));
    EXPECT_FALSE(parse_etag(R"(w/"x")"));
    EXPECT_FALSE(parse_etag(R"("x" "y")"));
    EXPECT_FALSE(parse_etag(R"("x y")"));
}

TEST(Etag, ComparisonTable)
{
    // §8.8.3.2 table.
    EntityTag w1{true, "1"}, w2{true, "2"}, s1{false, "1"};
    EXPECT_FALSE(strong_match(w1, w1));
    EXPECT_TRUE(weak_match(w1, w1));
    EXPECT_FALSE(strong_match(w1, w2));
    EXPECT_FALSE(weak_match(w1, w2));
    EXPECT_FALSE(strong_match(w1, s1));
    EXPECT_TRUE(weak_match(w1, s1));
    EXPECT_TRUE(strong_match(s1, s1));
    EXPECT_TRUE(weak_match(s1, s1));
}

TEST(Etag, Lists)
{
    auto l = parse_etag_list(R"("xyzzy", "r2d2xxxx", "c3piozzzz")");
    ASSERT_TRUE(l);
    EXPECT_EQ(l->tags.size(), 3u);
    l = parse_etag_list(R"(W/"a,b", "c")");  // a comma inside a tag
    ASSERT_TRUE(l);
    EXPECT_EQ(l->tags[0].opaque, "a,b");
    EXPECT_TRUE(parse_etag_list(" * ")->any);
    EXPECT_FALSE(parse_etag_list(""));
    EXPECT_FALSE(parse_etag_list(R"("a" x)"));
    EXPECT_FALSE(parse_etag_list(R"("a", *)"));
}

TEST(Etag, Preconditions)
{
    auto list = *parse_etag_list(R"(W/"1", "2")");
    EXPECT_FALSE(if_none_match_passes(list, EntityTag{false, "1"}));  // weak comparison matches
    EXPECT_TRUE(if_none_match_passes(list, EntityTag{false, "3"}));
    EXPECT_TRUE(if_none_match_passes(list, std::nullopt));
    EXPECT_FALSE(if_match_passes(list, EntityTag{false, "1"}));  // strong comparison fails on W/
    EXPECT_TRUE(if_match_passes(list, EntityTag{false, "2"}));
    EXPECT_FALSE(if_match_passes(list, std::nullopt));
    EtagList any{true, {}};
    EXPECT_TRUE(if_match_passes(any, EntityTag{true, "x"}));
    EXPECT_FALSE(if_match_passes(any, std::nullopt));
    EXPECT_FALSE(if_none_match_passes(any, EntityTag{true, "x"}));
    EXPECT_TRUE(if_none_match_passes(any, std::nullopt));
}
