// Tests for http/cache/cache_key (RFC 9111 §2, §4.1).
#include "http/cache/cache_key.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::cache;

TEST(CacheKey, PrimaryLowercasesSchemeAndHostOnly)
{
    EXPECT_EQ(primary_key(Method(MethodId::get), "HTTP://Example.COM:8080/A/b?Q=1"),
              "GET http://example.com:8080/A/b?Q=1");
    EXPECT_EQ(primary_key(Method(MethodId::get), "http://EXAMPLE.com"), "GET http://example.com");
}

TEST(CacheKey, VaryNames)
{
    Response r;
    r.fields.add("Vary", "Accept-Encoding, accept-language");
    r.fields.add("Vary", "Accept-Encoding");
    auto names = vary_names(r);
    ASSERT_TRUE(names);
    EXPECT_EQ(*names, (std::vector<std::string>{"accept-encoding", "accept-language"}));
    Response star;
    star.fields.add("Vary", "Accept, *");
    EXPECT_FALSE(vary_names(star));
    EXPECT_TRUE(vary_names(Response{})->empty());
}

TEST(CacheKey, VaryKeyNormalisesWhitespace)
{
    Request a, b, c;
    a.fields.add("Accept-Encoding", "gzip,  deflate");
    b.fields.add("Accept-Encoding", "gzip , deflate");
    c.fields.add("Accept-Encoding", "br");
    const std::vector<std::string> names{"accept-encoding"};
    EXPECT_EQ(vary_key(names, a), vary_key(names, b));
    EXPECT_NE(vary_key(names, a), vary_key(names, c));
    EXPECT_NE(vary_key(names, a), vary_key(names, Request{}));
    EXPECT_EQ(full_key("GET http://x/", ""), "GET http://x/\n");
}
