// Tests for mail/message/header: RFC 5322 §2.2 fields, unfolding, raw form, limits.
#include "mail/message/header.hpp"

#include <gtest/gtest.h>

namespace layer7::mail {
namespace {

TEST(Header, SplitsFieldsAndBody)
{
    const std::string msg = "From: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\nSubject: Hi\r\n\r\nbody\r\n";
    auto parsed = parse_header(msg);
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->header.fields.size(), 3u);
    EXPECT_EQ(parsed->header.fields[0].name, "From");
    EXPECT_EQ(parsed->header.get("to"), "bob@hamburger.edu");
    EXPECT_EQ(parsed->header.fields[2].raw, "Subject: Hi\r\n");
    EXPECT_EQ(msg.substr(parsed->body_offset), "body\r\n");
    EXPECT_EQ(parsed->header.find("Cc"), nullptr);
    EXPECT_EQ(parsed->header.get("Cc"), "");
}

TEST(Header, UnfoldsAndKeepsRaw)
{
    // RFC 5322 §2.2.3 example: unfolding removes CRLF, keeps the WSP.
    const std::string msg = "Subject: This\r\n is a test\r\n\tof folding  \r\n\r\n";
    auto parsed = parse_header(msg);
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->header.fields.size(), 1u);
    EXPECT_EQ(parsed->header.fields[0].value, "This is a test\tof folding");
    EXPECT_EQ(parsed->header.fields[0].raw, "Subject: This\r\n is a test\r\n\tof folding  \r\n");
    EXPECT_EQ(parsed->body_offset, msg.size());
}

TEST(Header, BareLfAndObsoleteSpaceBeforeColon)
{
    const std::string msg = "Subject : hi\nX-A:\n\nbody";
    auto parsed = parse_header(msg);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->header.fields[0].name, "Subject");
    EXPECT_EQ(parsed->header.get("subject"), "hi");
    EXPECT_EQ(parsed->header.get("x-a"), "");
    EXPECT_EQ(msg.substr(parsed->body_offset), "body");
}

TEST(Header, NoBlankLineAndJunkLine)
{
    auto only = parse_header("A: 1\r\nB: 2");
    ASSERT_TRUE(only);
    EXPECT_EQ(only->header.fields.size(), 2u);
    EXPECT_EQ(only->body_offset, 10u);

    const std::string junk = "A: 1\r\nnot a field\r\nB: 2\r\n";
    auto parsed = parse_header(junk);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->header.fields.size(), 1u);
    EXPECT_EQ(junk.substr(parsed->body_offset), "not a field\r\nB: 2\r\n");

    auto leading = parse_header(" continued\r\nA: 1\r\n");
    ASSERT_TRUE(leading);
    EXPECT_TRUE(leading->header.fields.empty());
    EXPECT_EQ(leading->body_offset, 0u);
}

TEST(Header, LineLimit)
{
    MessageLimits limits;
    limits.max_header_line = 20;
    for (std::size_t len : {19u, 20u, 21u}) {
        const std::string msg = "X: " + std::string(len - 3, 'a') + "\r\n\r\n";
        auto parsed = parse_header(msg, limits);
        EXPECT_EQ(parsed.ok(), len <= 20) << len;
        if (!parsed) {
            EXPECT_EQ(parsed.error(), ParseError::header_line_too_long);
        }
    }
}

TEST(Header, FieldCountLimit)
{
    MessageLimits limits;
    limits.max_header_fields = 3;
    for (std::size_t n : {2u, 3u, 4u}) {
        std::string msg;
        for (std::size_t i = 0; i < n; ++i)
            msg += "X: 1\r\n";
        auto parsed = parse_header(msg + "\r\n", limits);
        EXPECT_EQ(parsed.ok(), n <= 3) << n;
        if (!parsed) {
            EXPECT_EQ(parsed.error(), ParseError::too_many_fields);
        }
    }
}

TEST(Header, BlockSizeLimit)
{
    MessageLimits limits;
    limits.max_header_bytes = 12;  // "X: 1\r\n" twice
    EXPECT_TRUE(parse_header("X: 1\r\nX: 1\r\n", limits));
    EXPECT_TRUE(parse_header("X: 1\r\nX: 12\n", limits));
    auto over = parse_header("X: 1\r\nX: 12\r\n", limits);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error(), ParseError::header_too_large);
}

TEST(Header, Iequals)
{
    EXPECT_TRUE(iequals("Content-Type", "content-TYPE"));
    EXPECT_FALSE(iequals("a", "ab"));
    EXPECT_EQ(to_lower("MiXeD-9"), "mixed-9");
}

}  // namespace
}  // namespace layer7::mail
