// The shared three-digit reply codec: RFC 5321 §4.2 (coded continuations) and RFC 959 §4.2 (free
// middle lines), the limits at their edges, errors, and every split offset through the LineParser.
#include "core/text/reply.hpp"

#include <gtest/gtest.h>

#include "core/text/line_parser.hpp"

namespace layer7::core {
namespace {

// As mail/smtp and ftp configure it (core knows no protocol).
constexpr ReplySyntax smtp{.continuation = Continuation::coded, .lowest_code = 200, .max_line = 2048, .max_lines = 100};
constexpr ReplySyntax ftp{.continuation = Continuation::free, .lowest_code = 100, .max_line = 8192, .max_lines = 10000};

// Splits `wire` into lines and parses them all; stops at the first error, which it reports.
std::vector<Reply> parse(std::string_view wire, const ReplySyntax& syntax, std::optional<ReplyError>* error = nullptr)
{
    LineParser lines(syntax.max_line + 1);
    ReplyParser parser(syntax);
    std::vector<Reply> out;
    lines.feed(wire);
    for (auto ev = lines.next(); ev.status == LineStatus::line; ev = lines.next()) {
        auto r = parser.on_line(ev.text);
        if (!r) {
            if (error)
                *error = r.error();
            return out;
        }
        if (r->has_value())
            out.push_back(**r);
    }
    return out;
}

TEST(ReplyEncoder, CodedContinuations)
{
    EXPECT_EQ(to_wire(Reply{220, "hamburger.edu ESMTP"}, smtp), "220 hamburger.edu ESMTP\r\n");
    EXPECT_EQ(to_wire(Reply{250, "hamburger.edu\nSIZE 10\nHELP"}, smtp),
              "250-hamburger.edu\r\n250-SIZE 10\r\n250 HELP\r\n");
    EXPECT_EQ(to_wire(Reply{334, ""}, smtp), "334 \r\n");  // RFC 4954 §4: the SP is not optional
    EXPECT_EQ(to_wire(Reply{250, "a\n"}, smtp), "250-a\r\n250 \r\n");
    EXPECT_EQ(to_wire(Reply{250, "cr\rinside"}, smtp), "250 cr inside\r\n");
    EXPECT_EQ(to_wire(std::vector<Reply>{{250, "2.1.0 Ok"}, {354, "go"}}, smtp), "250 2.1.0 Ok\r\n354 go\r\n");
}

TEST(ReplyEncoder, FreeMiddleLines)
{
    EXPECT_EQ(to_wire(Reply{220, "Service ready"}, ftp), "220 Service ready\r\n");
    EXPECT_EQ(to_wire(Reply{211, "Features:\n EPSV\nEnd"}, ftp), "211-Features:\r\n EPSV\r\n211 End\r\n");
    EXPECT_EQ(to_wire(Reply{211, "a\n b\rc\nd"}, ftp), "211-a\r\n b c\r\n211 d\r\n");
    // Found by fuzzing: a CR turned into a space must not make "211\r" a last line.
    EXPECT_EQ(to_wire(Reply{211, "a\n211\r-x\n211\n212-y\n2x\nd"}, ftp),
              "211-a\r\n 211 -x\r\n 211\r\n 212-y\r\n2x\r\n211 d\r\n");
    EXPECT_EQ(parse(to_wire(Reply{211, "a\n211\r-x\nd"}, ftp), ftp), (std::vector<Reply>{{211, "a\n 211 -x\nd"}}));
    EXPECT_EQ(to_wire(std::vector<Reply>{{150, "a"}, {226, "b"}}, ftp), "150 a\r\n226 b\r\n");
}

TEST(ReplyEncoder, AlwaysThreeDigits)
{
    EXPECT_EQ(to_wire(Reply{51, "x"}, ftp), "051 x\r\n");
}

TEST(ReplyParser, AssemblesCodedMultiLine)
{
    ReplyParser parser(smtp);
    auto first = parser.on_line("250-hamburger.edu");
    ASSERT_TRUE(first);
    EXPECT_FALSE(first->has_value());
    ASSERT_TRUE(parser.on_line("250-SIZE 10"));
    auto last = parser.on_line("250 HELP");
    ASSERT_TRUE(last);
    ASSERT_TRUE(last->has_value());
    EXPECT_EQ(**last, (Reply{250, "hamburger.edu\nSIZE 10\nHELP"}));
    auto bare = parser.on_line("354");
    ASSERT_TRUE(bare);
    EXPECT_EQ(**bare, (Reply{354, ""}));
}

// RFC 959 §4.2's example of a multi-line reply, with a middle line that starts with digits.
const std::string rfc959_multiline =
    "123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n"
    "123 The last line\r\n";

TEST(ReplyParser, Rfc959MultiLineExample)
{
    const auto replies = parse(rfc959_multiline, ftp);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].code, 123);
    EXPECT_EQ(replies[0].text, "First line\nSecond line\n  234 A line beginning with numbers\nThe last line");
    // Free middle lines are kept whole, "211-y" too; only "211 " or "211" ends.
    EXPECT_EQ(parse("211-x\r\n211-y\r\n212 w\r\n211\r\n", ftp), (std::vector<Reply>{{211, "x\n211-y\n212 w\n"}}));
}

TEST(ReplyParser, CodedErrors)
{
    ReplyParser parser(smtp);
    EXPECT_EQ(parser.on_line("25").error(), ReplyError::malformed_line);
    EXPECT_EQ(parser.on_line("abc ok").error(), ReplyError::malformed_line);
    EXPECT_EQ(parser.on_line("150 ok").error(), ReplyError::malformed_line);  // SMTP has no 1yz
    EXPECT_EQ(parser.on_line("600 ok").error(), ReplyError::malformed_line);
    EXPECT_EQ(parser.on_line("250x").error(), ReplyError::malformed_line);
    ASSERT_TRUE(parser.on_line("250-a"));
    EXPECT_EQ(parser.on_line("text").error(), ReplyError::malformed_line);
    ASSERT_TRUE(parser.on_line("250-a"));
    EXPECT_EQ(parser.on_line("251 b").error(), ReplyError::code_mismatch);
    auto fresh = parser.on_line("221 bye");  // the parser starts afresh after an error
    ASSERT_TRUE(fresh);
    EXPECT_EQ(**fresh, (Reply{221, "bye"}));
}

TEST(ReplyParser, FreeErrors)
{
    for (const char* bad : {"hello\r\n", "12 x\r\n", "1234 x\r\n", "12a x\r\n", "051 x\r\n", "600 x\r\n"}) {
        std::optional<ReplyError> error;
        parse(bad, ftp, &error);
        EXPECT_EQ(error, ReplyError::malformed_line) << bad;
    }
    EXPECT_EQ(parse("150 ok\r\n200\r\n", ftp), (std::vector<Reply>{{150, "ok"}, {200, ""}}));
}

TEST(ReplyParser, LineLimitAtTheEdges)
{
    for (const ReplySyntax& base : {smtp, ftp}) {
        ReplySyntax syntax = base;
        syntax.max_line = 20;
        for (std::size_t len : {19u, 20u, 21u}) {
            ReplyParser p(syntax);
            const auto r = p.on_line("200 " + std::string(len - 4, 'x'));
            EXPECT_EQ(!r, len > 20) << len;
            if (!r) {
                EXPECT_EQ(r.error(), ReplyError::line_too_long);
            }
        }
    }
}

TEST(ReplyParser, LineCountLimitAtTheEdges)
{
    for (const ReplySyntax& base : {smtp, ftp}) {
        ReplySyntax syntax = base;
        syntax.max_lines = 3;
        for (std::size_t lines : {2u, 3u, 4u}) {
            std::string wire = "211-a\r\n";
            for (std::size_t i = 2; i < lines; ++i)
                wire += "211-b\r\n";
            wire += "211 end\r\n";
            std::optional<ReplyError> error;
            const auto replies = parse(wire, syntax, &error);
            EXPECT_EQ(replies.size(), lines > 3 ? 0u : 1u) << lines;
            EXPECT_EQ(error, lines > 3 ? std::optional(ReplyError::too_many_lines) : std::nullopt) << lines;
        }
    }
}

TEST(ReplyParser, EverySplitOffsetAndRoundTrip)
{
    const std::vector<Reply> smtp_replies = {
        {250, "hamburger.edu Hello\nSIZE 33554432\n8BITMIME\nHELP"}, {250, "2.1.0 Ok"}, {334, ""}, {221, "2.0.0 bye"}};
    const std::string smtp_wire = to_wire(smtp_replies, smtp);
    const std::string ftp_wire =
        "220 hi\r\n" + rfc959_multiline + "211-x\r\n211-y\r\n211 z\r\n227 Entering (1,2,3,4,5,6)\n";
    for (const auto& [wire, syntax] : {std::pair{smtp_wire, smtp}, std::pair{ftp_wire, ftp}}) {
        const auto expected = parse(wire, syntax);
        ASSERT_EQ(expected.size(), 4u);
        // Encoding what was parsed gives it back, but for a free middle line that starts with three
        // digits ("211-y"), which goes out padded; once sent, the text stays as it is.
        const auto sent = parse(to_wire(expected, syntax), syntax);
        EXPECT_EQ(parse(to_wire(sent, syntax), syntax), sent);
        if (syntax.continuation == Continuation::coded)
            EXPECT_EQ(sent, expected);
        else
            EXPECT_EQ(sent[2].text, "x\n 211-y\nz");
        for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
            LineParser lines;
            ReplyParser parser(syntax);
            std::vector<Reply> got;
            const std::string_view whole = wire;
            for (std::string_view piece : {whole.substr(0, cut), whole.substr(cut)}) {
                lines.feed(piece);
                for (auto ev = lines.next(); ev.status == LineStatus::line; ev = lines.next()) {
                    auto r = parser.on_line(ev.text);
                    ASSERT_TRUE(r) << cut;
                    if (r->has_value())
                        got.push_back(**r);
                }
            }
            EXPECT_EQ(got, expected) << cut;
        }
    }
}

TEST(ReplyError, Describes)
{
    EXPECT_EQ(describe(ReplyError::code_mismatch), "reply code changed inside a multi-line reply");
}

}  // namespace
}  // namespace layer7::core
