// Line ends between the wire (CRLF) and Maildir files (LF).
#include <gtest/gtest.h>

#include "mail/store/line_endings.hpp"

namespace layer7::mail {
namespace {

TEST(LineEndings, ToLf)
{
    EXPECT_EQ(to_lf("a\r\nb\r\n"), "a\nb\n");
    EXPECT_EQ(to_lf("a\rb\nc\r"), "a\rb\nc\r");  // lone CR and LF stay
    EXPECT_EQ(to_lf(""), "");
    EXPECT_EQ(to_lf("\r\r\n"), "\r\n");
}

TEST(LineEndings, ToCrlf)
{
    EXPECT_EQ(to_crlf("a\nb\n"), "a\r\nb\r\n");
    EXPECT_EQ(to_crlf("a\r\nb"), "a\r\nb\r\n");  // an unterminated last line gets CRLF
    EXPECT_EQ(to_crlf("\n"), "\r\n");
    EXPECT_EQ(to_crlf(""), "");
}

TEST(LineEndings, AppendCrlfAddsToWhatIsThere)
{
    std::string out = "* 1 FETCH (BODY[] {5}\r\n";
    append_crlf(out, "a\nb");
    EXPECT_EQ(out, "* 1 FETCH (BODY[] {5}\r\na\r\nb\r\n");
    out.clear();
    append_crlf(out, "\r\n\n\r\r\nx\n");  // CRLF kept, bare LF mended, lone CR left
    EXPECT_EQ(out, "\r\n\r\n\r\r\nx\r\n");
}

TEST(LineEndings, CrlfSizeMatchesToCrlf)
{
    for (std::string s : {"", "a", "\n", "a\nb", "a\r\nb\n", "\r", "x\r", "\n\n\n", "a\rb\r\nc", "\r\n\r\n", "\n\r\n"})
        EXPECT_EQ(crlf_size(s), to_crlf(s).size()) << s;
}

TEST(LineEndings, WireRoundTrip)
{
    const std::string wire = "From: a\r\nSubject: b\r\n\r\nbody\r\n";
    EXPECT_EQ(to_crlf(to_lf(wire)), wire);
}

}  // namespace
}  // namespace layer7::mail
