// Tests for http/message/form (application/x-www-form-urlencoded).
#include "http/message/form.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

TEST(Form, Decode)
{
    auto f = decode_form("name=Alice+Smith&msg=caf%C3%A9%21&empty=&flag&&=v");
    ASSERT_TRUE(f);
    EXPECT_EQ(*f,
              (FormFields{{"name", "Alice Smith"}, {"msg", "caf\xc3\xa9!"}, {"empty", ""}, {"flag", ""}, {"", "v"}}));
    EXPECT_EQ(decode_form("a=1%2").value()[0].second, "1%2");  // browsers send a bad escape raw
    EXPECT_EQ(decode_form("a=b=c").value()[0].second, "b=c");
    EXPECT_TRUE(decode_form("")->empty());
    EXPECT_FALSE(decode_form("a=%00"));
}

TEST(Form, MaxFieldsLimit)
{
    FormLimits limits{3};
    EXPECT_TRUE(decode_form("a=1&b=2", limits));
    EXPECT_TRUE(decode_form("a=1&b=2&c=3", limits));
    EXPECT_FALSE(decode_form("a=1&b=2&c=3&d=4", limits));
    EXPECT_TRUE(decode_form("a=1&&&&b=2&c=3&&", limits));  // empty pairs do not count
}

TEST(Form, EncodeRoundTrip)
{
    FormFields f{{"q", "a b&c=d+e"}, {"x/y", "100%"}};
    EXPECT_EQ(encode_form(f), "q=a+b%26c%3Dd%2Be&x%2Fy=100%25");
    EXPECT_EQ(decode_form(encode_form(f)), f);
}
