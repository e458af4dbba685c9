#include "core/text/line_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace layer7::core {
namespace {

struct Got {
    std::vector<std::string> lines;
    std::vector<LineEnd> ends;
    int too_long = 0;
};

void drain(LineParser& p, Got& got)
{
    for (;;) {
        LineEvent e = p.next();
        if (e.status == LineStatus::need_more)
            return;
        if (e.status == LineStatus::too_long) {
            ++got.too_long;
            got.lines.push_back("<too long>");
            continue;
        }
        got.lines.emplace_back(e.text);
        got.ends.push_back(e.end);
    }
}

Got parse_split(std::string_view input, std::size_t max_line, std::size_t split)
{
    LineParser p(max_line);
    Got got;
    p.feed(input.substr(0, split));
    drain(p, got);
    p.feed(input.substr(split));
    drain(p, got);
    return got;
}

TEST(LineParser, SplitsCrlfAndBareLf)
{
    LineParser p(100);
    p.feed("HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\nrest");
    Got got;
    drain(p, got);
    ASSERT_EQ(got.lines.size(), 2u);
    EXPECT_EQ(got.lines[0], "HELO crepes.fr");
    EXPECT_EQ(got.ends[0], LineEnd::crlf);
    EXPECT_EQ(got.lines[1], "MAIL FROM:<alice@crepes.fr>");
    EXPECT_EQ(got.ends[1], LineEnd::bare_lf);
    EXPECT_EQ(p.buffered(), 4u);
}

TEST(LineParser, EverySplitGivesTheSameLines)
{
    const std::string input = "a\r\n\r\nbb\nccc\r\n" + std::string(20, 'x') + "\r\nlast\r\n";
    const Got whole = parse_split(input, 8, input.size());
    ASSERT_EQ(whole.lines.size(), 6u);
    EXPECT_EQ(whole.too_long, 1);
    for (std::size_t split = 0; split <= input.size(); ++split) {
        const Got got = parse_split(input, 8, split);
        EXPECT_EQ(got.lines, whole.lines) << "split at " << split;
        EXPECT_EQ(got.ends, whole.ends) << "split at " << split;
    }
}

TEST(LineParser, LimitIsInclusiveAndCrlfDoesNotCount)
{
    for (std::size_t len : {9u, 10u, 11u}) {
        LineParser p(10);
        p.feed(std::string(len, 'a') + "\r\nnext\r\n");
        Got got;
        drain(p, got);
        ASSERT_EQ(got.lines.size(), 2u) << len;
        EXPECT_EQ(got.too_long, len > 10 ? 1 : 0) << len;
        EXPECT_EQ(got.lines[1], "next");
    }
}

TEST(LineParser, OverlongLineWithoutEndIsReportedOnceAndSkipped)
{
    LineParser p(10);
    Got got;
    for (int i = 0; i < 100; ++i) {
        p.feed(std::string(100, 'z'));
        drain(p, got);
    }
    EXPECT_EQ(got.too_long, 1);
    EXPECT_LT(p.buffered(), 20u);  // the junk is not kept
    p.feed("zz\r\nok\r\n");
    drain(p, got);
    ASSERT_EQ(got.lines.size(), 2u);
    EXPECT_EQ(got.lines[1], "ok");
}

TEST(LineParser, CountedModeTakesBytesThenLinesResume)
{
    LineParser p(100);
    p.feed("A1 APPEND box {5}\r\nhello");
    Got got;
    drain(p, got);
    ASSERT_EQ(got.lines.size(), 1u);
    EXPECT_EQ(p.take(5), "hello");
    p.feed(")\r\n");
    drain(p, got);
    ASSERT_EQ(got.lines.size(), 2u);
    EXPECT_EQ(got.lines[1], ")");
}

TEST(LineParser, DiscardBufferedDropsPipelinedInput)
{
    LineParser p(100);
    p.feed("STARTTLS\r\nRSET\r\nMAIL FROM:<evil>\r\n");
    LineEvent e = p.next();
    ASSERT_EQ(e.status, LineStatus::line);
    EXPECT_EQ(e.text, "STARTTLS");
    p.discard_buffered();
    EXPECT_EQ(p.next().status, LineStatus::need_more);
    EXPECT_EQ(p.buffered(), 0u);
}

TEST(LineParser, CrAloneInsideALineIsKept)
{
    LineParser p(100);
    p.feed("a\rb\r\n");
    LineEvent e = p.next();
    ASSERT_EQ(e.status, LineStatus::line);
    EXPECT_EQ(e.text, "a\rb");
}

TEST(DotStuffing, EndAndUnstuff)
{
    EXPECT_TRUE(unstuff_dot(".").end);
    EXPECT_FALSE(unstuff_dot("..").end);
    EXPECT_EQ(unstuff_dot("..").text, ".");
    EXPECT_EQ(unstuff_dot(".hidden").text, "hidden");
    EXPECT_EQ(unstuff_dot("plain").text, "plain");
    EXPECT_EQ(unstuff_dot("").text, "");
    EXPECT_FALSE(unstuff_dot("").end);
}

}  // namespace
}  // namespace layer7::core
