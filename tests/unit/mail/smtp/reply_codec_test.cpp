// Tests for mail/smtp/reply_codec: RFC 5321 §4.2 multi-line replies, RFC 3463 codes, parser limits.
#include "mail/smtp/reply_codec.hpp"

#include <gtest/gtest.h>

#include "core/text/line_parser.hpp"

namespace layer7::smtp {
namespace {

TEST(ReplyCodec, ToWire)
{
    EXPECT_EQ(to_wire(Reply{220, "hamburger.edu ESMTP"}), "220 hamburger.edu ESMTP\r\n");
    EXPECT_EQ(to_wire(Reply{250, "hamburger.edu\nSIZE 10\nHELP"}),
              "250-hamburger.edu\r\n250-SIZE 10\r\n250 HELP\r\n");
    EXPECT_EQ(to_wire(Reply{334, ""}), "334 \r\n");  // RFC 4954 §4: the SP is not optional
    EXPECT_EQ(to_wire(Reply{250, "a\n"}), "250-a\r\n250\r\n");
    EXPECT_EQ(to_wire(Reply{250, "cr\rinside"}), "250 cr inside\r\n");
    EXPECT_EQ(to_wire(std::vector<Reply>{{250, "2.1.0 Ok"}, {354, "go"}}), "250 2.1.0 Ok\r\n354 go\r\n");
}

TEST(ReplyCodec, EnhancedCode)
{
    EXPECT_EQ(enhanced_code("2.1.0 Ok"), "2.1.0");
    EXPECT_EQ(enhanced_code("5.7.11 Encryption required"), "5.7.11");
    EXPECT_EQ(enhanced_code("4.5.3"), "4.5.3");
    EXPECT_EQ(enhanced_code("3.0.0 no"), "");
    EXPECT_EQ(enhanced_code("2.1000.0 x"), "");
    EXPECT_EQ(enhanced_code("hamburger.edu"), "");
    EXPECT_EQ(enhanced_code("2.1.0x"), "");
}

TEST(ReplyParser, AssemblesMultiLine)
{
    ReplyParser parser;
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

TEST(ReplyParser, Errors)
{
    ReplyParser parser;
    EXPECT_EQ(parser.on_line("25").error(), ReplyError::malformed_line);
    EXPECT_EQ(parser.on_line("abc ok").error(), ReplyError::malformed_line);
    EXPECT_EQ(parser.on_line("150 ok").error(), ReplyError::malformed_line);
    EXPECT_EQ(parser.on_line("250x").error(), ReplyError::malformed_line);
    ASSERT_TRUE(parser.on_line("250-a"));
    EXPECT_EQ(parser.on_line("251 b").error(), ReplyError::code_mismatch);
    auto fresh = parser.on_line("221 bye");  // the parser starts afresh after an error
    ASSERT_TRUE(fresh);
    EXPECT_EQ(**fresh, (Reply{221, "bye"}));
}

TEST(ReplyParser, LineLimits)
{
    ReplyLimits limits;
    limits.max_lines = 3;
    limits.max_line = 10;
    ReplyParser parser(limits);
    EXPECT_TRUE(parser.on_line("250 " + std::string(6, 'a')));
    EXPECT_EQ(parser.on_line("250 " + std::string(7, 'a')).error(), ReplyError::line_too_long);
    for (int lines : {2, 3, 4}) {
        ReplyParser p(limits);
        bool failed = false;
        for (int i = 0; i < lines; ++i) {
            auto r = p.on_line(i + 1 == lines ? "250 x" : "250-x");
            if (!r) {
                failed = true;
                EXPECT_EQ(r.error(), ReplyError::too_many_lines);
            }
        }
        EXPECT_EQ(failed, lines > 3) << lines;
    }
}

TEST(ReplyParser, EverySplitOffset)
{
    const std::vector<Reply> replies = {{250, "hamburger.edu Hello\nSIZE 33554432\n8BITMIME\nHELP"},
                                        {250, "2.1.0 Ok"},
                                        {334, ""},
                                        {221, "2.0.0 bye"}};
    const std::string wire = to_wire(replies);
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        core::LineParser lines;
        ReplyParser parser;
        std::vector<Reply> got;
        for (std::string_view piece :
             {std::string_view(wire).substr(0, cut), std::string_view(wire).substr(cut)}) {
            lines.feed(piece);
            for (auto event = lines.next(); event.status == core::LineStatus::line; event = lines.next()) {
                auto r = parser.on_line(event.text);
                ASSERT_TRUE(r);
                if (r->has_value())
                    got.push_back(**r);
            }
        }
        EXPECT_EQ(got, replies) << cut;
    }
}

}  // namespace
}  // namespace layer7::smtp
