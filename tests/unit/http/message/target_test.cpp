// Tests for http/message/target: request-target forms (RFC 9112 §3.2), URLs, percent-decoding,
// dot-segment removal (RFC 3986 §5.2.4).
#include "http/message/target.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

static Method M(std::string_view m)
{
    return *Method::parse(m);
}

TEST(Target, OriginForm)
{
    auto t = parse_target("/where?q=now", M("GET"));  // RFC 9112 §3.2.1 example
    ASSERT_TRUE(t);
    EXPECT_EQ(t->form, TargetForm::origin);
    EXPECT_EQ(t->path, "/where");
    EXPECT_EQ(t->query, "q=now");
    EXPECT_TRUE(t->has_query);
    t = parse_target("/", M("GET"));
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->has_query);
}

TEST(Target, AbsoluteForm)
{
    auto t = parse_target("http://www.example.org/pub/WWW/TheProject.html", M("GET"));  // §3.2.2
    ASSERT_TRUE(t);
    EXPECT_EQ(t->form, TargetForm::absolute);
    EXPECT_EQ(t->scheme, "http");
    EXPECT_EQ(t->authority, "www.example.org");
    EXPECT_EQ(t->path, "/pub/WWW/TheProject.html");
    t = parse_target("http://example.com?x", M("GET"));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/");
    EXPECT_EQ(t->query, "x");
    EXPECT_FALSE(parse_target("http://user@example.com/", M("GET")));
    EXPECT_FALSE(parse_target("http:///x", M("GET")));
    EXPECT_FALSE(parse_target("1http://x/", M("GET")));
}

TEST(Target, AuthorityAndAsteriskForms)
{
    auto t = parse_target("www.example.com:80", M("CONNECT"));  // §3.2.3
    ASSERT_TRUE(t);
    EXPECT_EQ(t->form, TargetForm::authority);
    EXPECT_EQ(t->authority, "www.example.com:80");
    EXPECT_FALSE(parse_target("www.example.com", M("CONNECT")));  // port required
    EXPECT_FALSE(parse_target("/", M("CONNECT")));
    t = parse_target("*", M("OPTIONS"));  // §3.2.4
    ASSERT_TRUE(t);
    EXPECT_EQ(t->form, TargetForm::asterisk);
    EXPECT_FALSE(parse_target("*", M("GET")));
}

TEST(Target, RejectsBadBytes)
{
    EXPECT_FALSE(parse_target("", M("GET")));
    EXPECT_FALSE(parse_target("/a b", M("GET")));
    EXPECT_FALSE(parse_target("/a\x01", M("GET")));
    EXPECT_FALSE(parse_target("/caf\xc3\xa9", M("GET")));
    EXPECT_FALSE(parse_target("relative", M("GET")));
    EXPECT_TRUE(parse_target("/{x}|y", M("GET")));  // sent raw by curl; accepted like nginx
}

TEST(Target, Authority)
{
    std::string host;
    std::uint16_t port = 0;
    EXPECT_TRUE(split_authority("example.com", host, port));
    EXPECT_EQ(host, "example.com");
    EXPECT_EQ(port, 0);
    EXPECT_TRUE(split_authority("[::1]:8080", host, port));
    EXPECT_EQ(host, "::1");
    EXPECT_EQ(port, 8080);
    EXPECT_TRUE(split_authority("127.0.0.1:65535", host, port));
    EXPECT_FALSE(split_authority("h:65536", host, port));
    EXPECT_FALSE(split_authority("h:0", host, port));
    EXPECT_FALSE(split_authority("h:", host, port));
    EXPECT_FALSE(split_authority(":80", host, port));
    EXPECT_FALSE(split_authority("[::1", host, port));
    EXPECT_FALSE(split_authority("a:b:c", host, port));
    EXPECT_FALSE(split_authority("a/b", host, port));
}

TEST(Target, Url)
{
    auto u = parse_url("http://gaia.cs.umass.edu/wireshark-labs/HTTP-wireshark-file1.html");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "http");
    EXPECT_EQ(u->host, "gaia.cs.umass.edu");
    EXPECT_EQ(u->port, 80);
    EXPECT_EQ(u->path_and_query, "/wireshark-labs/HTTP-wireshark-file1.html");
    u = parse_url("HTTPS://[::1]:8443?x=1#frag");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "https");
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->port, 8443);
    EXPECT_EQ(u->path_and_query, "/?x=1");
    EXPECT_EQ(parse_url("https://a")->port, 443);
    EXPECT_FALSE(parse_url("ftp://a/"));
    EXPECT_FALSE(parse_url("http://u:p@a/"));
    EXPECT_FALSE(parse_url("a/b"));
}

TEST(Target, PercentDecode)
{
    EXPECT_EQ(percent_decode("/a%20b%2Fc").value(), "/a b/c");
    EXPECT_EQ(percent_decode("a+b", {.plus_is_space = true}).value(), "a b");
    EXPECT_EQ(percent_decode("a+b").value(), "a+b");
    EXPECT_EQ(percent_decode("%41%6a").value(), "Aj");
    EXPECT_EQ(percent_decode("%zz").error(), PercentError::bad_escape);
    EXPECT_EQ(percent_decode("%4").error(), PercentError::bad_escape);
    EXPECT_EQ(percent_decode("%").error(), PercentError::bad_escape);
    EXPECT_EQ(percent_decode("/a%00.html").error(), PercentError::nul_byte);
    EXPECT_EQ(percent_decode("%zz%4", {.keep_malformed = true}).value(), "%zz%4");
    EXPECT_EQ(percent_decode("%00", {.keep_malformed = true, .allow_nul = true}).value(), std::string(1, '\0'));
    EXPECT_EQ(percent_decode("%00%41", {.allow_nul = true}).value(), std::string("\0A", 2));  // binary, strict
    EXPECT_EQ(percent_decode("%00%4", {.allow_nul = true}).error(), PercentError::bad_escape);
}

TEST(Target, PercentEncode)
{
    EXPECT_EQ(percent_encode("/a b/ü"), "/a%20b/%C3%BC");
    EXPECT_EQ(percent_encode("a/b", ""), "a%2Fb");
    EXPECT_EQ(percent_decode(percent_encode("x%y&z")).value(), "x%y&z");
}

TEST(Target, NormalizePath)
{
    // RFC 3986 §5.2.4 examples, adapted to absolute paths.
    EXPECT_EQ(normalize_path("/a/b/c/./../../g").value(), "/a/g");
    EXPECT_EQ(normalize_path("/mid/content=5/../6").value(), "/mid/6");
    EXPECT_EQ(normalize_path("/").value(), "/");
    EXPECT_EQ(normalize_path("/a/").value(), "/a/");
    EXPECT_EQ(normalize_path("/a/.").value(), "/a/");
    EXPECT_EQ(normalize_path("/a/b/..").value(), "/a/");
    EXPECT_EQ(normalize_path("/a//b").value(), "/a/b");
    EXPECT_EQ(normalize_path("/a/..").value(), "/");
    EXPECT_EQ(normalize_path("/..").error(), PathError::escapes_root);
    EXPECT_EQ(normalize_path("/a/../../etc/passwd").error(), PathError::escapes_root);
    EXPECT_EQ(normalize_path("a").error(), PathError::not_absolute);
    EXPECT_EQ(normalize_path("").error(), PathError::not_absolute);
    EXPECT_EQ(normalize_path("/.hidden/..x").value(), "/.hidden/..x");
    // Paths already normal come back as they are; one odd segment anywhere takes the long way.
    EXPECT_EQ(normalize_path("/a/b/c.txt").value(), "/a/b/c.txt");
    EXPECT_EQ(normalize_path("/a/b/").value(), "/a/b/");
    EXPECT_EQ(normalize_path("//").value(), "/");
    EXPECT_EQ(normalize_path("/./a").value(), "/a");
    EXPECT_EQ(normalize_path("/a/b/../../..").error(), PathError::escapes_root);
}
