// Zone lexer: parentheses across lines, comments, quotes, escapes, blank-owner lines, errors.
#include "dns/zone/zone_lexer.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

namespace {
std::vector<std::string> words(const ZoneEntry& e)
{
    std::vector<std::string> out;
    for (auto& t : e.tokens)
        out.push_back(t.quoted ? "\"" + t.text + "\"" : t.text);
    return out;
}
}  // namespace

TEST(ZoneLexer, EntriesTokensAndLines)
{
    auto r = lex_zone(
        "; header comment\n"
        "@ IN SOA ns admin (  ; open\n"
        "      1 ; serial\n"
        "      2 3 4 5 )\n"
        "\n"
        "\tA 10.0.0.1\r\n"
        "txt TXT \"a b;c\" \"q\\\"x\" semi\\;colon\n",
        "f");
    ASSERT_TRUE(r.ok());
    auto& e = r.value();
    ASSERT_EQ(e.size(), 3u);
    EXPECT_EQ(e[0].line, 2u);
    EXPECT_FALSE(e[0].owner_omitted);
    EXPECT_EQ(words(e[0]), (std::vector<std::string>{"@", "IN", "SOA", "ns", "admin", "1", "2", "3", "4", "5"}));
    EXPECT_EQ(e[1].line, 6u);
    EXPECT_TRUE(e[1].owner_omitted);
    EXPECT_EQ(words(e[1]), (std::vector<std::string>{"A", "10.0.0.1"}));
    EXPECT_EQ(words(e[2]), (std::vector<std::string>{"txt", "TXT", "\"a b;c\"", "\"q\\\"x\"", "semi\\;colon"}));
}

TEST(ZoneLexer, Errors)
{
    auto unclosed = lex_zone("a A 1.2.3.4\nb SOA (\n 1 2\n", "z.db");
    ASSERT_FALSE(unclosed.ok());
    EXPECT_EQ(unclosed.error().line, 2u);
    EXPECT_EQ(unclosed.error().file, "z.db");
    EXPECT_EQ(lex_zone("a TXT \"open\nb A 1.2.3.4\n", "f").error().line, 1u);
    EXPECT_EQ(lex_zone("a\nb )\n", "f").error().line, 2u);
    EXPECT_EQ(lex_zone("a ( ( b ) )\n", "f").error().message, "nested parentheses");
}

TEST(ZoneLexer, TokenLimitAtLimitMinusOneLimitAndPlusOne)
{
    LexLimits limits{.max_token = 8, .max_entry_tokens = 3};
    EXPECT_TRUE(lex_zone("1234567 b c\n", "f", limits).ok());
    EXPECT_TRUE(lex_zone("12345678 b c\n", "f", limits).ok());
    EXPECT_FALSE(lex_zone("123456789 b c\n", "f", limits).ok());
    EXPECT_FALSE(lex_zone("a b c d\n", "f", limits).ok());
}
