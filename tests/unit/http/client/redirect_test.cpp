// Tests for http/client/redirect (RFC 3986 §5.2 and §5.4 examples; RFC 9110 §15.4).
#include "http/client/redirect.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::client;

TEST(Reference, Rfc3986NormalExamples)
{
    // §5.4.1 with base http://a/b/c/d;p?q
    const Url base = *parse_url("http://a/b/c/d;p?q");
    const std::pair<const char*, const char*> cases[] = {
        {"g", "http://a/b/c/g"},      {"./g", "http://a/b/c/g"},    {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},         {"//g", "http://g/"},         {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},  {"#s", "http://a/b/c/d;p?q"}, {"g#s", "http://a/b/c/g"},
        {";x", "http://a/b/c/;x"},    {"", "http://a/b/c/d;p?q"},   {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},      {"..", "http://a/b/"},        {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},     {"../..", "http://a/"},       {"../../g", "http://a/g"},
        {"../../../g", "http://a/g"}, {"/./g", "http://a/g"},       {"/../g", "http://a/g"},
    };
    for (const auto& [ref, want] : cases)
        EXPECT_EQ(resolve_reference(base, ref), want) << ref;
    EXPECT_EQ(resolve_reference(base, "https://other:8443/x"), "https://other:8443/x");
    EXPECT_FALSE(resolve_reference(base, "mailto:a@b"));
    EXPECT_FALSE(resolve_reference(base, "ftp://a/b"));
}

TEST(Reference, KeepsNonDefaultPorts)
{
    const Url base = *parse_url("http://127.0.0.1:8080/dir/page.html");
    EXPECT_EQ(resolve_reference(base, "images/1.png"), "http://127.0.0.1:8080/dir/images/1.png");
    EXPECT_EQ(to_string(*parse_url("https://example.com:443/")), "https://example.com/");
    EXPECT_EQ(to_string(*parse_url("http://[::1]:8080/a")), "http://[::1]:8080/a");
}

TEST(Redirect, MethodRewriting)
{
    const Method post(MethodId::post), head(MethodId::head), put(MethodId::put);
    EXPECT_TRUE(is_redirect(Status::found));
    EXPECT_FALSE(is_redirect(Status::not_modified));
    EXPECT_EQ(redirect_method(Status::see_other, post).method, MethodId::get);
    EXPECT_EQ(redirect_method(Status::see_other, head).method, MethodId::head);
    EXPECT_EQ(redirect_method(Status::found, post).method, MethodId::get);
    EXPECT_FALSE(redirect_method(Status::found, post).keep_body);
    EXPECT_EQ(redirect_method(Status::temporary_redirect, post).method, MethodId::post);
    EXPECT_TRUE(redirect_method(Status::permanent_redirect, post).keep_body);
    EXPECT_EQ(redirect_method(Status::moved_permanently, put).method, MethodId::put);
}
