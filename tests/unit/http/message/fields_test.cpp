// Tests for http/message/fields (RFC 9110 §5).
#include "http/message/fields.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

TEST(Fields, OrderedCaseInsensitive)
{
    Fields f;
    f.add("Host", "example.com");
    f.add("Accept", "text/html");
    f.add("accept", "image/png");
    EXPECT_EQ(f.size(), 3u);
    EXPECT_EQ(f.get("HOST"), "example.com");
    EXPECT_EQ(f.get("Accept"), "text/html");
    EXPECT_EQ(f.count("ACCEPT"), 2u);
    EXPECT_FALSE(f.get("Missing"));
    EXPECT_EQ(f.combined("Accept"), "text/html, image/png");  // §5.3
    EXPECT_EQ(f.combined("Missing"), "");
    EXPECT_EQ(f[1].name, "Accept");
    std::string order;
    for (Field x : f)
        order += std::string(x.name) + ";";
    EXPECT_EQ(order, "Host;Accept;accept;");
}

TEST(Fields, SetAndErase)
{
    Fields f;
    f.add("A", "1");
    f.add("B", "2");
    f.add("a", "3");
    EXPECT_EQ(f.erase("a"), 2u);
    EXPECT_EQ(f.size(), 1u);
    EXPECT_EQ(f.get("B"), "2");
    f.set("b", "4");
    EXPECT_EQ(f.size(), 1u);
    EXPECT_EQ(f.get("B"), "4");
    f.set("C", *f.get("B"));  // value aliasing the storage
    EXPECT_EQ(f.get("C"), "4");
    EXPECT_EQ(f.erase("nothing"), 0u);
    f.clear();
    EXPECT_TRUE(f.empty());
}

TEST(Fields, ListContains)
{
    Fields f;
    f.add("Connection", "keep-alive");
    f.add("Connection", "close, Upgrade");
    EXPECT_TRUE(f.list_contains("connection", "CLOSE"));
    EXPECT_TRUE(f.list_contains("Connection", "upgrade"));
    EXPECT_TRUE(f.list_contains("Connection", "keep-alive"));
    EXPECT_FALSE(f.list_contains("Connection", "clos"));
    EXPECT_FALSE(f.list_contains("Upgrade", "close"));
}

TEST(Fields, Equality)
{
    Fields a, b;
    a.add("X", "1");
    b.add("x", "1");
    EXPECT_TRUE(a == b);
    b.add("y", "2");
    EXPECT_FALSE(a == b);
}
