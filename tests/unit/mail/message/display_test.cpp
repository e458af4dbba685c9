// The terminal view shared by `mail fetch --pop3` and `--imap`: summary lines, the reading view
// (text part, HTML reduced to text, attachments), no control characters from the message.
#include "mail/message/display.hpp"

#include <gtest/gtest.h>

namespace layer7::mail {
namespace {

TEST(Display, SummaryLine)
{
    const std::string line =
        summary_line("12", "FS", 2048, "From: =?utf-8?q?Andr=C3=A9?= <a@x>\r\nSubject: Hi\x1b[2J\r\n\r\n");
    EXPECT_NE(line.find("12"), std::string::npos);
    EXPECT_NE(line.find("FS"), std::string::npos);
    EXPECT_NE(line.find("2 KB"), std::string::npos);
    EXPECT_NE(line.find("André <a@x>"), std::string::npos);
    EXPECT_EQ(line.find('\x1b'), std::string::npos);
    EXPECT_NE(summary_line("1", "", 10, "").find("(no subject)"), std::string::npos);
}

TEST(Display, TextPartAndAttachments)
{
    const std::string out = display_message(
        "From: a@x\r\nTo: b@y\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        "Content-Type: text/plain; charset=iso-8859-1\r\n\r\nCr\xeapes\r\n--b\r\nContent-Type: image/png\r\n"
        "Content-Disposition: attachment; filename=p.png\r\nContent-Transfer-Encoding: "
        "base64\r\n\r\nAAAA\r\n--b--\r\n");
    EXPECT_EQ(out, "From: a@x\nTo: b@y\nSubject: s\n\nCrêpes\n\n[attachment: p.png (image/png, 3 B)]\n");
}

TEST(Display, HtmlOnlyIsReducedToText)
{
    const std::string out = display_message(
        "Subject: h\r\nContent-Type: text/html\r\n\r\n"
        "<style>p{}</style><p>One &amp; two</p><script>x()</script><br>three");
    EXPECT_EQ(out, "Subject: h\n\n\nOne & two\n\nthree\n");
}

TEST(Display, GarbageStillShows)
{
    const std::string out = display_message(std::string("\x00\x1b]0;pwned\x07 body", 17));
    EXPECT_EQ(out.find('\x1b'), std::string::npos);
    EXPECT_EQ(out.find('\x07'), std::string::npos);
}

}  // namespace
}  // namespace layer7::mail
