// Tests for http/h1/head_syntax (RFC 9112 §2.3, §3, §4, §5).
#include "http/h1/head_syntax.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::h1;

TEST(HeadSyntax, Version)
{
    Version v;
    EXPECT_FALSE(parse_version("HTTP/1.0", v));
    EXPECT_EQ(v, (Version{1, 0}));
    EXPECT_EQ(parse_version("HTTP/3.0", v), Error::version_not_supported);
    EXPECT_EQ(parse_version("HTTP/0.9", v), Error::version_not_supported);
    EXPECT_EQ(parse_version("HTTP/1", v), Error::bad_version);
    EXPECT_EQ(parse_version("HTTP/1.1.1", v), Error::bad_version);
    EXPECT_EQ(parse_version("HTTPS/1.1", v), Error::bad_version);
}

TEST(HeadSyntax, RequestLine)
{
    Request r;
    EXPECT_FALSE(parse_request_line("DELETE /x?y=1 HTTP/1.1", r));
    EXPECT_EQ(r.method, MethodId::delete_);
    EXPECT_EQ(r.target, "/x?y=1");
    EXPECT_EQ(parse_request_line("PRI * HTTP/2.0", r), Error::version_not_supported);
    EXPECT_EQ(r.method.name(), "PRI");  // the shell can recognise the h2 preface
    EXPECT_EQ(r.target, "*");
    EXPECT_EQ(parse_request_line("GET /\xff HTTP/1.1", r), Error::bad_target);
    EXPECT_EQ(parse_request_line("GET / HTTP/1.1 extra", r), Error::bad_request_line);
}

TEST(HeadSyntax, FieldLine)
{
    Fields f;
    EXPECT_FALSE(parse_field_line("Content-Type:text/html", f));
    EXPECT_FALSE(parse_field_line("X-Empty:", f));
    EXPECT_FALSE(parse_field_line("X-Pad: \t padded value \t ", f));
    EXPECT_FALSE(parse_field_line("X-Colon: a:b", f));
    EXPECT_FALSE(parse_field_line("X-Obs: caf\xe9", f));  // obs-text is allowed (§5.5)
    EXPECT_EQ(f.get("content-type"), "text/html");
    EXPECT_EQ(f.get("x-empty"), "");
    EXPECT_EQ(f.get("X-Pad"), "padded value");
    EXPECT_EQ(f.get("X-Colon"), "a:b");
    EXPECT_EQ(parse_field_line("", f), Error::bad_field_line);
    EXPECT_EQ(parse_field_line(" X: 1", f), Error::obs_fold);
    EXPECT_EQ(parse_field_line("X : 1", f), Error::whitespace_before_colon);
    EXPECT_EQ(parse_field_line("X Y: 1", f), Error::bad_field_name);
    EXPECT_EQ(parse_field_line(std::string_view("X: a\0b", 6), f), Error::bad_field_value);
    EXPECT_EQ(parse_field_line("X: a\rb", f), Error::bare_cr);
    EXPECT_EQ(f.size(), 5u);
}
