// FTP reply encoder and parser (RFC 959 §4.2), fed whole and split at every byte offset.
#include <gtest/gtest.h>

#include "ftp/reply.hpp"

namespace layer7::ftp {
namespace {

std::vector<Reply> parse_all(ReplyParser& p, bool* error = nullptr)
{
    std::vector<Reply> out;
    for (;;) {
        ReplyEvent ev = p.next();
        if (ev.kind == ReplyEvent::Kind::need_more)
            return out;
        if (ev.kind == ReplyEvent::Kind::error) {
            if (error)
                *error = true;
            return out;
        }
        out.push_back(ev.reply);
    }
}

TEST(FtpReply, EncodesSingleAndMultiLine)
{
    EXPECT_EQ(to_wire(Reply{220, "Service ready"}), "220 Service ready\r\n");
    EXPECT_EQ(to_wire(Reply{211, "Features:\n EPSV\nEnd"}), "211-Features:\r\n EPSV\r\n211 End\r\n");
    EXPECT_EQ(to_wire(std::vector<Reply>{{150, "a"}, {226, "b"}}), "150 a\r\n226 b\r\n");
}

// The parser takes "051" as 51; the encoder must write it back with three digits (found by fuzzing).
TEST(FtpReply, CodesBelowOneHundredKeepThreeDigits)
{
    EXPECT_EQ(to_wire(Reply{51, "x"}), "051 x\r\n");
    ReplyParser p;
    p.feed("051 Here\r\n");
    auto replies = parse_all(p);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(to_wire(replies), "051 Here\r\n");
}

// RFC 959 §4.2's example of a multi-line reply, with a middle line that starts with digits.
const std::string rfc959_multiline = "123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n"
                                     "123 The last line\r\n";

TEST(FtpReply, ParsesRfc959MultiLineExample)
{
    ReplyParser p;
    p.feed(rfc959_multiline);
    auto replies = parse_all(p);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].code, 123);
    EXPECT_EQ(replies[0].text, "First line\nSecond line\n  234 A line beginning with numbers\nThe last line");
}

TEST(FtpReply, EveryByteSplitGivesTheSameReplies)
{
    const std::string wire = "220 hi\r\n" + rfc959_multiline + "211-x\r\n211-y\r\n211 z\r\n227 Entering (1,2,3,4,5,6)\n";
    ReplyParser whole;
    whole.feed(wire);
    const auto expected = parse_all(whole);
    ASSERT_EQ(expected.size(), 4u);
    EXPECT_EQ(expected[2].text, "x\n211-y\nz");
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        ReplyParser p;
        p.feed(wire.substr(0, cut));
        auto got = parse_all(p);
        p.feed(wire.substr(cut));
        auto rest = parse_all(p);
        got.insert(got.end(), rest.begin(), rest.end());
        EXPECT_EQ(got, expected) << "cut at " << cut;
    }
}

TEST(FtpReply, RoundTripsThroughTheEncoder)
{
    ReplyParser p;
    p.feed(rfc959_multiline);
    const auto first = parse_all(p);
    ReplyParser again;
    again.feed(to_wire(first));
    EXPECT_EQ(parse_all(again), first);
}

TEST(FtpReply, RejectsLinesWithoutACode)
{
    for (const char* bad : {"hello\r\n", "12 x\r\n", "1234 x\r\n", "12a x\r\n"}) {
        ReplyParser p;
        p.feed(bad);
        bool error = false;
        parse_all(p, &error);
        EXPECT_TRUE(error) << bad;
    }
    ReplyParser bare;
    bare.feed("200\r\n");
    EXPECT_EQ(parse_all(bare), (std::vector<Reply>{{200, ""}}));
}

TEST(FtpReply, LineLimitAtTheEdges)
{
    const ReplyLimits limits{.max_line = 20, .max_lines = 3};
    for (std::size_t len : {19u, 20u, 21u}) {
        ReplyParser p(limits);
        p.feed("200 " + std::string(len - 4, 'x') + "\r\n");
        bool error = false;
        const auto r = parse_all(p, &error);
        EXPECT_EQ(error, len > 20) << len;
    }
}

TEST(FtpReply, LineCountLimitAtTheEdges)
{
    const ReplyLimits limits{.max_line = 100, .max_lines = 3};
    for (std::size_t lines : {2u, 3u, 4u}) {
        std::string wire = "211-a\r\n";
        for (std::size_t i = 2; i < lines; ++i)
            wire += " b\r\n";
        wire += "211 end\r\n";
        ReplyParser p(limits);
        p.feed(wire);
        bool error = false;
        parse_all(p, &error);
        EXPECT_EQ(error, lines > 3) << lines;
    }
}

}  // namespace
}  // namespace layer7::ftp
