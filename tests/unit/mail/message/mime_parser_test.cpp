// Tests for mail/message/mime_parser: the RFC 2046 §5.1.1 example, nesting, decoding, limits.
#include "mail/message/mime_parser.hpp"

#include <gtest/gtest.h>

namespace layer7::mail {
namespace {

const char* const rfc2046_example =
    "From: Nathaniel Borenstein <nsb@bellcore.com>\r\n"
    "To: Ned Freed <ned@innosoft.com>\r\n"
    "Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)\r\n"
    "Subject: Sample message\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-type: multipart/mixed; boundary=\"simple boundary\"\r\n"
    "\r\n"
    "This is the preamble.  It is to be ignored, though it\r\n"
    "is a handy place for composition agents to include an\r\n"
    "explanatory note to non-MIME conformant readers.\r\n"
    "\r\n"
    "--simple boundary\r\n"
    "\r\n"
    "This is implicitly typed plain US-ASCII text.\r\n"
    "It does NOT end with a linebreak.\r\n"
    "--simple boundary\r\n"
    "Content-type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "This is explicitly typed plain US-ASCII text.\r\n"
    "It DOES end with a linebreak.\r\n"
    "\r\n"
    "--simple boundary--\r\n"
    "\r\n"
    "This is the epilogue.  It is also to be ignored.\r\n";

TEST(MimeParser, Rfc2046Example)
{
    auto message = parse_message(rfc2046_example);
    ASSERT_TRUE(message);
    EXPECT_EQ(message->content_type.value, "multipart/mixed");
    EXPECT_EQ(subject(*message), "Sample message");
    ASSERT_EQ(message->parts.size(), 2u);
    EXPECT_EQ(message->parts[0].content_type.value, "text/plain");
    EXPECT_EQ(message->parts[0].body,
              "This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak.");
    EXPECT_EQ(message->parts[1].body,
              "This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n");
    EXPECT_EQ(leaves(*message).size(), 2u);
    EXPECT_FALSE(message->parts[0].is_attachment());
}

TEST(MimeParser, NestedDecodingAndFilenames)
{
    const std::string msg =
        "Subject: =?utf-8?q?R=C3=A9sum=C3=A9?=\r\n"
        "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
        "--outer\r\n"
        "Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n"
        "--inner\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
        "quoted-printable\r\n\r\n"
        "caf=C3=A9 =\r\nau lait\r\n"
        "--inner\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n"
        "--inner--\r\n"
        "--outer\r\n"
        "Content-Type: application/pdf; name=\"=?iso-8859-1?q?caf=E9.pdf?=\"\r\n"
        "Content-Transfer-Encoding: BASE64\r\n\r\n"
        "Zm9v\r\nYmFy\r\n"
        "--outer\r\n"
        "Content-Type: application/octet-stream\r\n"
        "Content-Disposition: attachment;\r\n filename*0*=utf-8''%C3%A9t%C3%A9;\r\n filename*1=\".bin\"\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        "\x01\x02\xff\r\n"
        "--outer--\r\n";
    auto message = parse_message(msg);
    ASSERT_TRUE(message);
    EXPECT_EQ(subject(*message), "R\xc3\xa9sum\xc3\xa9");
    ASSERT_EQ(message->parts.size(), 3u);
    const MimePart& alternative = message->parts[0];
    ASSERT_EQ(alternative.parts.size(), 2u);
    EXPECT_EQ(alternative.parts[0].body, "caf\xc3\xa9 au lait");
    EXPECT_EQ(alternative.parts[1].body, "<p>hi</p>");
    EXPECT_EQ(message->parts[1].filename, "caf\xc3\xa9.pdf");
    EXPECT_EQ(message->parts[1].transfer_encoding, "base64");
    EXPECT_EQ(message->parts[1].body, "foobar");
    EXPECT_TRUE(message->parts[1].is_attachment());
    EXPECT_EQ(message->parts[2].filename, "\xc3\xa9t\xc3\xa9.bin");
    EXPECT_EQ(message->parts[2].body, "\x01\x02\xff");
    EXPECT_EQ(leaves(*message).size(), 4u);
}

TEST(MimeParser, DefaultsAndLeniency)
{
    auto plain = parse_message("Subject: x\r\n\r\nhello");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->content_type.value, "text/plain");
    EXPECT_EQ(plain->transfer_encoding, "7bit");
    EXPECT_EQ(plain->body, "hello");

    auto no_boundary = parse_message("Content-Type: multipart/mixed\r\n\r\n--x\r\nbody\r\n");
    ASSERT_TRUE(no_boundary);
    EXPECT_FALSE(no_boundary->is_multipart());
    EXPECT_EQ(no_boundary->body, "--x\r\nbody\r\n");

    auto unclosed = parse_message("Content-Type: multipart/mixed; boundary=b\n\n--b\n\na\n--b\n\nlast\n");
    ASSERT_TRUE(unclosed);
    ASSERT_EQ(unclosed->parts.size(), 2u);
    EXPECT_EQ(unclosed->parts[0].body, "a");
    EXPECT_EQ(unclosed->parts[1].body, "last\n");

    auto lookalike =
        parse_message("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--bb\r\n--b  \r\n\r\n2\r\n--b--");
    ASSERT_TRUE(lookalike);
    ASSERT_EQ(lookalike->parts.size(), 2u);
    EXPECT_EQ(lookalike->parts[0].body, "--bb");
    EXPECT_EQ(lookalike->parts[1].body, "2");

    auto bad_type = parse_message("Content-Type: garbage\r\n\r\nx");
    ASSERT_TRUE(bad_type);
    EXPECT_EQ(bad_type->content_type.value, "text/plain");
}

std::string nested(int levels)
{
    std::string open, close;
    for (int i = 0; i < levels; ++i) {
        const std::string b = "b" + std::to_string(i);
        open += "Content-Type: multipart/mixed; boundary=" + b + "\r\n\r\n--" + b + "\r\n";
        close = "\r\n--" + b + "--" + close;
    }
    return open + "\r\nleaf" + close;
}

TEST(MimeParser, DepthLimit)
{
    MessageLimits limits;
    limits.max_depth = 3;
    for (int levels : {2, 3, 4}) {
        auto message = parse_message(nested(levels), limits);
        EXPECT_EQ(message.ok(), levels <= 3) << levels;
        if (!message) {
            EXPECT_EQ(message.error(), ParseError::too_deep);
        } else {
            EXPECT_EQ(leaves(*message).front()->body, "leaf");
        }
    }
}

TEST(MimeParser, PartsLimit)
{
    MessageLimits limits;
    limits.max_parts = 3;
    for (int parts : {2, 3, 4}) {
        std::string msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
        for (int i = 0; i < parts; ++i)
            msg += "--b\r\n\r\npart\r\n";
        auto message = parse_message(msg + "--b--\r\n", limits);
        EXPECT_EQ(message.ok(), parts <= 3) << parts;
        if (!message) {
            EXPECT_EQ(message.error(), ParseError::too_many_parts);
        }
    }
}

TEST(MimeParser, HeaderLimitsApplyToParts)
{
    MessageLimits limits;
    limits.max_header_line = 45;
    const std::string msg =
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX: " + std::string(50, 'a') + "\r\n\r\nx\r\n--b--\r\n";
    auto message = parse_message(msg, limits);
    ASSERT_FALSE(message);
    EXPECT_EQ(message.error(), ParseError::header_line_too_long);
}

}  // namespace
}  // namespace layer7::mail
