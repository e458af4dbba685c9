// POP3 response codec: status lines with RFC 2449 response codes, scan and unique-id lines, stuffing.
#include <gtest/gtest.h>

#include "core/text/line_parser.hpp"
#include "mail/pop3/response_codec.hpp"

namespace layer7::mail::pop3 {
namespace {

TEST(Pop3ResponseCodec, BuildsStatusLines)
{
    EXPECT_EQ(ok("POP3 server ready"), "+OK POP3 server ready\r\n");
    EXPECT_EQ(ok(""), "+OK\r\n");
    EXPECT_EQ(err("no such message"), "-ERR no such message\r\n");
}

TEST(Pop3ResponseCodec, StuffsLeadingDots)
{
    std::string out;
    append_stuffed(out, ".");
    append_stuffed(out, ".x");
    append_stuffed(out, "x.");
    append_stuffed(out, "");
    EXPECT_EQ(out, "..\r\n..x\r\nx.\r\n\r\n");
    // Un-stuffing (core) gives the original back.
    EXPECT_EQ(core::unstuff_dot("..").text, ".");
    EXPECT_EQ(core::unstuff_dot("..x").text, ".x");
    EXPECT_TRUE(core::unstuff_dot(".").end);
}

TEST(Pop3ResponseCodec, ParsesStatus)
{
    auto s = parse_status("+OK 2 320");
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->ok);
    EXPECT_EQ(s->text, "2 320");
    EXPECT_EQ(s->code, "");

    s = parse_status("-ERR [IN-USE] mailbox locked");  // RFC 2449 §8.1.1
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->ok);
    EXPECT_EQ(s->code, "IN-USE");
    EXPECT_EQ(s->text, "mailbox locked");

    s = parse_status("-ERR [SYS/TEMP] try later");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->code, "SYS/TEMP");

    s = parse_status("+OK");
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->ok);
    EXPECT_EQ(s->text, "");

    s = parse_status("-ERR [unterminated");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->code, "");
    EXPECT_EQ(s->text, "[unterminated");

    EXPECT_FALSE(parse_status("+OKAY"));
    EXPECT_FALSE(parse_status("-ERROR"));
    EXPECT_FALSE(parse_status("220 smtp"));
    EXPECT_FALSE(parse_status(""));
}

TEST(Pop3ResponseCodec, ParsesScanListings)
{
    auto s = parse_scan("2 320");  // RFC 1939 §5 STAT example
    ASSERT_TRUE(s);
    EXPECT_EQ(s->number, 2u);
    EXPECT_EQ(s->size, 320u);
    s = parse_scan("1 120 extra text");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->size, 120u);
    EXPECT_FALSE(parse_scan(""));
    EXPECT_FALSE(parse_scan("1"));
    EXPECT_FALSE(parse_scan("x 1"));
    EXPECT_FALSE(parse_scan("1 -5"));
    EXPECT_FALSE(parse_scan("1 99999999999999999999999"));
}

TEST(Pop3ResponseCodec, ParsesUniqueIds)
{
    auto u = parse_unique_id("1 whqtswO00WBw418f9t5JxYwZ");  // RFC 1939 §7 UIDL example
    ASSERT_TRUE(u);
    EXPECT_EQ(u->number, 1u);
    EXPECT_EQ(u->uid, "whqtswO00WBw418f9t5JxYwZ");
    EXPECT_TRUE(parse_unique_id("1 " + std::string(70, 'a')));   // limit
    EXPECT_FALSE(parse_unique_id("1 " + std::string(71, 'a')));  // limit + 1
    EXPECT_FALSE(parse_unique_id("1"));
    EXPECT_FALSE(parse_unique_id("a b"));
    EXPECT_FALSE(parse_unique_id("1 a b"));
}

}  // namespace
}  // namespace layer7::mail::pop3
