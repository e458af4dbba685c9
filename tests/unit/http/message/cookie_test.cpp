// Tests for http/message/cookie (RFC 6265 §4, §5.2 examples).
#include "http/message/cookie.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace std::chrono;

TEST(Cookie, ParseCookieHeader)
{
    auto pairs = parse_cookie_header(R"(SID=31d4d96e407aad42; lang=en-US; q="quoted"; novalue; =x; e=)");
    ASSERT_EQ(pairs.size(), 4u);
    EXPECT_EQ(pairs[0].name, "SID");
    EXPECT_EQ(pairs[0].value, "31d4d96e407aad42");
    EXPECT_EQ(pairs[1].value, "en-US");
    EXPECT_EQ(pairs[2].value, "quoted");
    EXPECT_EQ(pairs[3].name, "e");
    EXPECT_EQ(pairs[3].value, "");
    EXPECT_TRUE(parse_cookie_header("").empty());
}

TEST(Cookie, BuildSetCookie)
{
    SetCookie c;
    c.name = "SID";
    c.value = "31d4d96e407aad42";
    c.path = "/";
    c.domain = "example.com";
    c.secure = true;
    c.http_only = true;
    EXPECT_EQ(build_set_cookie(c), "SID=31d4d96e407aad42; Domain=example.com; Path=/; Secure; HttpOnly");
    SetCookie d;
    d.name = "lang";
    d.value = "en-US";
    d.expires = sys_days{year{2021} / 6 / 9} + hours{10} + minutes{18} + seconds{14};
    d.max_age = 60;
    d.same_site = SameSite::lax;
    EXPECT_EQ(build_set_cookie(d), "lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Max-Age=60; SameSite=Lax");
}

TEST(Cookie, BuildRejectsInjection)
{
    SetCookie c;
    c.name = "a";
    c.value = "x;Secure";
    EXPECT_FALSE(build_set_cookie(c));
    c.value = "x\r\nSet-Cookie: evil=1";
    EXPECT_FALSE(build_set_cookie(c));
    c.value = "ok";
    c.path = "/;Domain=evil";
    EXPECT_FALSE(build_set_cookie(c));
    c.path = "/";
    c.name = "a b";
    EXPECT_FALSE(build_set_cookie(c));
    c.name = "a";
    c.value = "\"quoted\"";
    EXPECT_TRUE(build_set_cookie(c));
}

TEST(Cookie, ParseSetCookie)
{
    auto c = parse_set_cookie(
        "lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Path=/docs; Domain=.Example.COM; "
        "Secure; HttpOnly; SameSite=Strict; Max-Age=-1; Unknown=1");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->name, "lang");
    EXPECT_EQ(c->value, "en-US");
    EXPECT_EQ(c->expires, sys_days{year{2021} / 6 / 9} + hours{10} + minutes{18} + seconds{14});
    EXPECT_EQ(c->path, "/docs");
    EXPECT_EQ(c->domain, "example.com");
    EXPECT_TRUE(c->secure);
    EXPECT_TRUE(c->http_only);
    EXPECT_EQ(c->same_site, SameSite::strict);
    EXPECT_EQ(c->max_age, -1);
    EXPECT_FALSE(parse_set_cookie("novalue"));
    EXPECT_FALSE(parse_set_cookie("=x"));
    auto lenient = parse_set_cookie("a=b; Max-Age=x1; Path=relative; Expires=never");
    ASSERT_TRUE(lenient);
    EXPECT_FALSE(lenient->max_age);
    EXPECT_EQ(lenient->path, "");
    EXPECT_FALSE(lenient->expires);
}
