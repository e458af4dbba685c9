// Tests for http/message/token: RFC 9110 §5.6 character classes and list syntax.
#include "http/message/token.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace layer7::http;

TEST(Token, CharClasses)
{
    EXPECT_TRUE(is_token("GET"));
    EXPECT_TRUE(is_token("x-custom!#$%&'*+-.^_`|~09"));
    EXPECT_FALSE(is_token(""));
    EXPECT_FALSE(is_token("a b"));
    EXPECT_FALSE(is_token("a:b"));
    EXPECT_FALSE(is_token("a\"b"));
    EXPECT_TRUE(is_field_value("text/html; q=0.9\t\xff"));
    EXPECT_FALSE(is_field_value(std::string_view("a\0b", 3)));
    EXPECT_FALSE(is_field_value("a\rb"));
    EXPECT_FALSE(is_field_value("a\nb"));
    EXPECT_FALSE(is_field_value("a\x7f"));
    EXPECT_EQ(hex_value('a'), 10);
    EXPECT_EQ(hex_value('F'), 15);
    EXPECT_EQ(hex_value('g'), -1);
}

TEST(Token, CaseAndTrim)
{
    EXPECT_TRUE(iequals("Content-Length", "content-length"));
    EXPECT_FALSE(iequals("Content-Length", "content-lengt"));
    EXPECT_EQ(to_lower("KeEp-Alive"), "keep-alive");
    EXPECT_EQ(trim_ows(" \t x y \t"), "x y");
    EXPECT_EQ(trim_ows("   "), "");
}

static std::vector<std::string> elements(std::string_view list)
{
    std::vector<std::string> out;
    ListReader r(list);
    std::string_view e;
    while (r.next(e))
        out.emplace_back(e);
    return out;
}

TEST(Token, ListReaderSkipsEmptyElements)
{
    // RFC 9110 §5.6.1.2 examples: these are all valid lists of "foo" and "bar".
    EXPECT_EQ(elements("foo,bar"), (std::vector<std::string>{"foo", "bar"}));
    EXPECT_EQ(elements("foo ,bar,"), (std::vector<std::string>{"foo", "bar"}));
    EXPECT_EQ(elements("foo , ,bar,charlie"), (std::vector<std::string>{"foo", "bar", "charlie"}));
    EXPECT_TRUE(elements("").empty());
    EXPECT_TRUE(elements(",").empty());
    EXPECT_TRUE(elements(",   ,").empty());
}

TEST(Token, ListReaderKeepsQuotedCommas)
{
    EXPECT_EQ(elements(R"(a="x,y", b)"), (std::vector<std::string>{R"(a="x,y")", "b"}));
    EXPECT_EQ(elements(R"(a="x\",y", b)"), (std::vector<std::string>{R"(a="x\",y")", "b"}));
}

TEST(Token, QuotedString)
{
    std::string out;
    std::size_t used = 0;
    ASSERT_TRUE(parse_quoted_string(R"("a\"b" rest)", out, used));
    EXPECT_EQ(out, "a\"b");
    EXPECT_EQ(used, 6u);
    EXPECT_FALSE(parse_quoted_string(R"("abc)", out, used));
    EXPECT_FALSE(parse_quoted_string("\"a\nb\"", out, used));
    EXPECT_FALSE(parse_quoted_string("abc", out, used));
    EXPECT_FALSE(parse_quoted_string("\"a\\", out, used));
}
