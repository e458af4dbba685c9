// Tests for http/message/date (RFC 9110 §5.6.7): the RFC's own three examples.
#include "http/message/date.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace std::chrono;

static const sys_seconds example = sys_days{year{1994} / 11 / 6} + hours{8} + minutes{49} + seconds{37};

TEST(Date, FormatsImfFixdate)
{
    EXPECT_EQ(format_http_date(example), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(format_http_date(sys_seconds{}), "Thu, 01 Jan 1970 00:00:00 GMT");
    std::string s = "Date: ";
    append_http_date(s, sys_days{year{2024} / 2 / 29});
    EXPECT_EQ(s, "Date: Thu, 29 Feb 2024 00:00:00 GMT");
}

TEST(Date, ParsesAllThreeForms)
{
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), example);
    EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), example);
    EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), example);
    EXPECT_EQ(parse_http_date("Sun Nov 16 08:49:37 1994"), example + days{10});
    EXPECT_EQ(parse_http_date("Saturday, 01-Jan-00 00:00:00 GMT"), sys_seconds{sys_days{year{2000} / 1 / 1}});
}

TEST(Date, RoundTrip)
{
    for (std::int64_t t : {0LL, 784111777LL, 951782400LL, 4102444799LL, 1700000000LL}) {
        sys_seconds s{seconds{t}};
        EXPECT_EQ(parse_http_date(format_http_date(s)), s);
    }
}

TEST(Date, RejectsMalformed)
{
    EXPECT_FALSE(parse_http_date(""));
    EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
    EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT "));
    EXPECT_FALSE(parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT"));
    EXPECT_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
    EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 24:49:37 GMT"));
    EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
    EXPECT_FALSE(parse_http_date("Sun Nov  6 08:49:37 94"));
    EXPECT_FALSE(parse_http_date("1994-11-06T08:49:37Z"));
}
