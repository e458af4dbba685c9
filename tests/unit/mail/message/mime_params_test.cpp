// Tests for mail/message/mime_params: RFC 2045 §5.1 and the RFC 2231 §3–§4 examples.
#include "mail/message/mime_params.hpp"

#include <gtest/gtest.h>

namespace layer7::mail {
namespace {

TEST(MimeParams, TokensQuotedAndComments)
{
    auto field = parse_param_field("Text/Plain; charset=us-ascii (Plain text)");
    EXPECT_EQ(field.value, "text/plain");
    EXPECT_EQ(field.param("CHARSET"), "us-ascii");
    auto quoted = parse_param_field("multipart/mixed; boundary=\"simple \\\"boundary\\\"\"");
    EXPECT_EQ(quoted.param("boundary"), "simple \"boundary\"");
    EXPECT_TRUE(quoted.has("Boundary"));
    EXPECT_FALSE(quoted.has("charset"));
    EXPECT_EQ(parse_param_field("").value, "");
}

TEST(MimeParams, LenientJunk)
{
    auto field = parse_param_field("attachment; ; junk; filename=my file.txt ;x=\"open");
    EXPECT_EQ(field.value, "attachment");
    EXPECT_EQ(field.param("filename"), "my file.txt");
    EXPECT_EQ(field.param("x"), "open");
}

TEST(MimeParams, Rfc2231Continuations)
{
    auto field = parse_param_field(
        "message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n"
        " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
    EXPECT_EQ(field.param("url"), "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
    EXPECT_EQ(field.param("access-type"), "URL");
}

TEST(MimeParams, Rfc2231CharsetAndLanguage)
{
    auto single = parse_param_field("application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
    EXPECT_EQ(single.param("title"), "This is ***fun***");
    auto mixed = parse_param_field(
        "application/x-stuff; title*1*=%2A%2A%2Afun%2A%2A%2A%20;"
        " title*0*=us-ascii'en'This%20is%20even%20more%20; title*2=\"isn't it!\"");
    EXPECT_EQ(mixed.param("title"), "This is even more ***fun*** isn't it!");
    auto latin1 = parse_param_field("attachment; filename*=iso-8859-1''caf%E9.txt");
    EXPECT_EQ(latin1.param("filename"), "caf\xc3\xa9.txt");
}

TEST(MimeParams, ExtendedWinsOverPlain)
{
    auto field = parse_param_field("attachment; filename=\"fallback.txt\"; filename*=utf-8''%C3%A9.txt");
    EXPECT_EQ(field.param("filename"), "\xc3\xa9.txt");
}

TEST(MimeParams, FormatRoundTrips)
{
    const std::string values[] = {"simple.txt", "with space.txt",        "quote\"and\\slash",
                                  "",           "\xc3\xa9t\xc3\xa9.pdf", std::string(300, 'x') + "\xff\x01;\"",
                                  "a*b'c%d"};
    for (const auto& value : values) {
        const std::string formatted = format_param("filename", value);
        std::size_t start = 0;
        while (start < formatted.size()) {  // every piece on its own short line
            std::size_t end = formatted.find("\r\n", start);
            if (end == std::string::npos)
                end = formatted.size();
            EXPECT_LE(end - start, 78u) << formatted;
            start = end + 2;
        }
        EXPECT_EQ(parse_param_field("attachment" + formatted).param("filename"), value) << formatted;
    }
    EXPECT_EQ(format_param("charset", "utf-8"), ";\r\n charset=utf-8");
}

}  // namespace
}  // namespace layer7::mail
