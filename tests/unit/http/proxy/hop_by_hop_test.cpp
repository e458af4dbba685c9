// Tests for http/proxy/hop_by_hop (RFC 9110 §7.6.1, §7.6.3).
#include "http/proxy/hop_by_hop.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::proxy;

TEST(HopByHop, StripsConnectionAndTheFieldsItNames)
{
    Fields f;
    f.add("Host", "example.com");
    f.add("Connection", "keep-alive, X-Secret");
    f.add("X-Secret", "1");
    f.add("Keep-Alive", "timeout=5");
    f.add("Proxy-Connection", "keep-alive");
    f.add("Transfer-Encoding", "chunked");
    f.add("Proxy-Authorization", "Basic x");
    f.add("TE", "trailers");
    f.add("Upgrade", "h2c");
    f.add("Cache-Control", "max-age=1");
    strip_hop_by_hop(f);
    EXPECT_EQ(f.size(), 2u);
    EXPECT_TRUE(f.contains("Host"));
    EXPECT_TRUE(f.contains("Cache-Control"));
}

TEST(HopByHop, ViaAndLoops)
{
    Fields f;
    f.add("Via", "1.0 fred, 1.1 p.example.net");
    EXPECT_FALSE(via_contains(f, "127.0.0.1:3128"));
    append_via(f, Version{1, 1}, "127.0.0.1:3128");
    EXPECT_EQ(f.combined("Via"), "1.0 fred, 1.1 p.example.net, 1.1 127.0.0.1:3128 (layer7)");
    Fields h2;
    append_via(h2, Version{2, 0}, "p");
    EXPECT_EQ(h2.combined("Via"), "2 p (layer7)");  // HTTP/2 has no minor version
    EXPECT_TRUE(via_contains(f, "127.0.0.1:3128"));
    EXPECT_FALSE(via_contains(f, "127.0.0.1:312"));
    EXPECT_TRUE(via_contains(f, "fred"));
    Fields old;
    append_via(old, Version{1, 0}, "x");
    EXPECT_EQ(old.get("Via"), "1.0 x (layer7)");
}
