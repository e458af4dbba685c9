// ENVELOPE, BODYSTRUCTURE and BODY[section] of a multipart message.
#include "mail/imap/message_view.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::imap {
namespace {

const std::string multipart =
    "From: a@b.c\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
    "--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
    "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=f.bin\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--XX--\r\n";

TEST(MessageView, BodyStructureOfMultipart)
{
    MessageView v(multipart);
    EXPECT_EQ(v.body_structure(false),
              "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 5 1)(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL "
              "\"BASE64\" 4) \"MIXED\")");
}

TEST(MessageView, Sections)
{
    MessageView v(multipart);
    auto section = [&](std::string_view spec) { return v.section(*parse_section(spec)); };
    EXPECT_EQ(section("1"), "hello");
    EXPECT_EQ(section("2"), "AAEC");
    EXPECT_EQ(section("2.MIME")->rfind("Content-Type: application/octet-stream\r\n", 0), 0u);
    EXPECT_EQ(section("HEADER.FIELDS (SUBJECT)"), "Subject: s\r\n\r\n");
    EXPECT_FALSE(section("3"));
    EXPECT_FALSE(parse_section("0"));
    EXPECT_FALSE(parse_section("1.MIME.X"));
}

TEST(MessageView, MalformedMessagesStillRender)
{
    MessageView v(std::string(5000, 'x') + "\r\n\r\nbody");  // a header line over the parser's limit
    EXPECT_NE(v.body_structure(true).find("\"TEXT\" \"PLAIN\""), std::string::npos);
    EXPECT_EQ(v.envelope(), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
}

}  // namespace
}  // namespace layer7::mail::imap
