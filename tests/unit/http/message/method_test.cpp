// Tests for http/message/method (RFC 9110 §9).
#include "http/message/method.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

TEST(Method, StandardNames)
{
    for (std::string_view name : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH"}) {
        auto m = Method::parse(name);
        ASSERT_TRUE(m) << name;
        EXPECT_NE(m->id(), MethodId::extension);
        EXPECT_EQ(m->name(), name);
    }
    EXPECT_EQ(Method::parse("DELETE")->id(), MethodId::delete_);
}

TEST(Method, CaseSensitiveAndExtensions)
{
    auto lower = Method::parse("get");  // §9.1: method names are case-sensitive
    ASSERT_TRUE(lower);
    EXPECT_EQ(lower->id(), MethodId::extension);
    EXPECT_EQ(lower->name(), "get");
    auto propfind = Method::parse("PROPFIND");
    ASSERT_TRUE(propfind);
    EXPECT_EQ(propfind->name(), "PROPFIND");
    EXPECT_FALSE(propfind->is_safe());
    EXPECT_FALSE(Method::parse(""));
    EXPECT_FALSE(Method::parse("GE T"));
    EXPECT_FALSE(Method::parse("GET\r"));
}

TEST(Method, Properties)
{
    EXPECT_TRUE(Method(MethodId::get).is_safe());
    EXPECT_TRUE(Method(MethodId::head).is_safe());
    EXPECT_FALSE(Method(MethodId::post).is_safe());
    EXPECT_TRUE(Method(MethodId::put).is_idempotent());
    EXPECT_TRUE(Method(MethodId::delete_).is_idempotent());
    EXPECT_FALSE(Method(MethodId::post).is_idempotent());
    EXPECT_FALSE(Method(MethodId::patch).is_idempotent());
    EXPECT_EQ(Method(), MethodId::get);
    EXPECT_EQ(*Method::parse("X"), *Method::parse("X"));
    EXPECT_FALSE(*Method::parse("X") == *Method::parse("Y"));
}
