// The ASCII helpers: ASCII's case rules only, whatever the locale, and any char value.
#include <gtest/gtest.h>

#include "core/text/ascii.hpp"

namespace layer7::core {
namespace {

static_assert(hex_value('0') == 0 && hex_value('9') == 9 && hex_value('a') == 10 && hex_value('F') == 15);
static_assert(hex_value('g') == -1 && hex_value('G') == -1 && hex_value('/') == -1 && hex_value(':') == -1);
static_assert(iequals("Content-Type", "content-TYPE") && !iequals("abc", "abd") && !iequals("ab", "abc"));
static_assert(to_lower('Z') == 'z' && to_lower('[') == '[' && to_upper('a') == 'A' && to_upper('`') == '`');
static_assert(is_digit('0') && !is_digit('a') && is_alpha('q') && !is_alpha('@'));

TEST(Ascii, BytesAboveAsciiAreLeftAlone)
{
    const std::string latin1 = "\xc9t\xe9";  // "Été" in Latin-1: only the ASCII 't' could change
    EXPECT_EQ(to_upper(latin1), "\xc9T\xe9");
    EXPECT_EQ(to_lower(latin1), latin1);
    EXPECT_FALSE(iequals("\xe9", "\xc9"));  // no locale folding
    EXPECT_EQ(hex_value('\xff'), -1);
}

TEST(Ascii, Strings)
{
    EXPECT_EQ(to_lower("WWW.Example.ORG."), "www.example.org.");
    EXPECT_EQ(to_upper("ehlo crepes.fr"), "EHLO CREPES.FR");
    EXPECT_EQ(to_lower(""), "");
}

}  // namespace
}  // namespace layer7::core
