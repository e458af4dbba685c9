#include "http/server/conditional.hpp"

#include <gtest/gtest.h>

#include "http/message/date.hpp"

namespace layer7::http {
namespace {

Request get(std::initializer_list<std::pair<const char*, const char*>> fields, MethodId m = MethodId::get)
{
    Request r;
    r.method = Method(m);
    r.target = "/";
    for (auto [k, v] : fields)
        r.fields.add(k, v);
    return r;
}

const Validators current{EntityTag{false, "abc"}, *parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT")};

TEST(Conditional, IfNoneMatchGives304ForGetAnd412Otherwise)
{
    EXPECT_EQ(evaluate_preconditions(get({{"If-None-Match", "\"abc\""}}), current), Precondition::not_modified);
    EXPECT_EQ(evaluate_preconditions(get({{"If-None-Match", "W/\"abc\""}}), current), Precondition::not_modified);
    EXPECT_EQ(evaluate_preconditions(get({{"If-None-Match", "\"x\", \"abc\""}}), current), Precondition::not_modified);
    EXPECT_EQ(evaluate_preconditions(get({{"If-None-Match", "*"}}), current), Precondition::not_modified);
    EXPECT_EQ(evaluate_preconditions(get({{"If-None-Match", "\"other\""}}), current), Precondition::proceed);
    EXPECT_EQ(evaluate_preconditions(get({{"If-None-Match", "\"abc\""}}, MethodId::put), current),
              Precondition::precondition_failed);
}

TEST(Conditional, IfModifiedSinceOnlyWithoutIfNoneMatch)
{
    EXPECT_EQ(evaluate_preconditions(get({{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}), current),
              Precondition::not_modified);
    EXPECT_EQ(evaluate_preconditions(get({{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}), current),
              Precondition::proceed);
    EXPECT_EQ(evaluate_preconditions(get({{"If-Modified-Since", "garbage"}}), current), Precondition::proceed);
    // §13.2.2: If-None-Match wins, and here it does not match, so the date is not looked at.
    EXPECT_EQ(evaluate_preconditions(
                  get({{"If-None-Match", "\"new\""}, {"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}), current),
              Precondition::proceed);
    EXPECT_EQ(
        evaluate_preconditions(get({{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}, MethodId::post), current),
        Precondition::proceed);
}

TEST(Conditional, IfMatchAndIfUnmodifiedSince)
{
    EXPECT_EQ(evaluate_preconditions(get({{"If-Match", "\"abc\""}}), current), Precondition::proceed);
    EXPECT_EQ(evaluate_preconditions(get({{"If-Match", "W/\"abc\""}}), current), Precondition::precondition_failed);
    EXPECT_EQ(evaluate_preconditions(get({{"If-Unmodified-Since", "Sat, 05 Nov 1994 08:49:37 GMT"}}), current),
              Precondition::precondition_failed);
    EXPECT_EQ(evaluate_preconditions(get({{"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}), current),
              Precondition::proceed);
}

TEST(Conditional, IfRange)
{
    EXPECT_TRUE(if_range_allows(get({}), current));
    EXPECT_TRUE(if_range_allows(get({{"If-Range", "\"abc\""}}), current));
    EXPECT_FALSE(if_range_allows(get({{"If-Range", "W/\"abc\""}}), current));  // weak never matches
    EXPECT_FALSE(if_range_allows(get({{"If-Range", "\"old\""}}), current));
    EXPECT_TRUE(if_range_allows(get({{"If-Range", "Sun, 06 Nov 1994 08:49:37 GMT"}}), current));
    EXPECT_FALSE(if_range_allows(get({{"If-Range", "Sun, 06 Nov 1994 08:49:38 GMT"}}), current));
}

}  // namespace
}  // namespace layer7::http
