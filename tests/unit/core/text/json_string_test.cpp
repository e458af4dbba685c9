// JSON string literals: what must be escaped is, UTF-8 passes through, and bytes that are not
// UTF-8 become U+FFFD so that the output is always valid JSON.
#include <gtest/gtest.h>

#include "core/text/json_string.hpp"

namespace layer7::core {
namespace {

TEST(JsonString, QuotesBackslashesAndControlsAreEscaped)
{
    EXPECT_EQ(json_string(""), "\"\"");
    EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(json_string(std::string("\n\t\x1f\0", 4)), "\"\\u000a\\u0009\\u001f\\u0000\"");
    EXPECT_EQ(json_string("</script>"), "\"\\u003c/script>\"");
}

TEST(JsonString, WellFormedUtf8PassesThrough)
{
    const std::string text = "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa6";  // "été € 📦"
    EXPECT_EQ(json_string(text), "\"" + text + "\"");
}

TEST(JsonString, BytesThatAreNotUtf8BecomeReplacementCharacters)
{
    EXPECT_EQ(json_string("\xe9t\xe9"), "\"\\ufffdt\\ufffd\"");                      // Latin-1
    EXPECT_EQ(json_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");                        // overlong '/'
    EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");             // a surrogate
    EXPECT_EQ(json_string("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // above U+10FFFF
    EXPECT_EQ(json_string("\xe2\x82"), "\"\\ufffd\\ufffd\"");                        // cut short
}

}  // namespace
}  // namespace layer7::core
