// Tests for mail/message/message_builder: build → parse round trip, line limits, CRLF, errors.
#include "mail/message/message_builder.hpp"

#include <gtest/gtest.h>

#include "mail/message/mime_parser.hpp"

namespace layer7::mail {
namespace {

Draft textbook_draft()
{
    Draft draft;
    draft.from = {"Alice", "alice", "crepes.fr"};
    draft.to = {{"Bob", "bob", "hamburger.edu"}};
    draft.subject = "Searching for the meaning of life.";
    draft.date = std::chrono::sys_seconds{std::chrono::seconds{880127706}};
    draft.message_id = "20240101.1";
    draft.text = "Do you like ketchup?\nHow about pickles?\n";
    return draft;
}

// Every line ends in CRLF and is at most `max` characters.
void expect_lines(const std::string& message, std::size_t max)
{
    std::size_t start = 0;
    while (start < message.size()) {
        const std::size_t nl = message.find('\n', start);
        ASSERT_NE(nl, std::string::npos) << "unterminated last line";
        ASSERT_GT(nl, start - (start > 0 ? 0 : 0));
        EXPECT_EQ(message[nl - 1], '\r') << "bare LF at " << nl;
        EXPECT_LE(nl - 1 - start, max) << message.substr(start, nl - start);
        start = nl + 1;
    }
}

TEST(MessageBuilder, TextOnly)
{
    auto built = build_message(textbook_draft());
    ASSERT_TRUE(built);
    EXPECT_EQ(*built,
              "From: \"Alice\" <alice@crepes.fr>\r\n"
              "To: \"Bob\" <bob@hamburger.edu>\r\n"
              "Subject: Searching for the meaning of life.\r\n"
              "Date: Fri, 21 Nov 1997 15:55:06 +0000\r\n"
              "Message-ID: <20240101.1@crepes.fr>\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=us-ascii\r\n"
              "Content-Transfer-Encoding: 7bit\r\n\r\n"
              "Do you like ketchup?\r\nHow about pickles?\r\n");
    auto parsed = parse_message(*built);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->body, "Do you like ketchup?\r\nHow about pickles?\r\n");
}

TEST(MessageBuilder, TwoAttachmentsRoundTrip)
{
    Draft draft = textbook_draft();
    draft.subject =
        "R\xc3\xa9sum\xc3\xa9 and a very long subject line that has to be folded somewhere "
        "because it is long";
    draft.text = "Caf\xc3\xa9 =_ au lait\r\n" + std::string(120, 'x');
    draft.cc = {{"", "carol", "crepes.fr"},
                {"D\xc3\xa9nis", "denis", "crepes.fr"},
                {"Someone With A Long Name", "someone.with.a.long.name", "crepes.fr"}};
    std::string binary;
    for (int i = 0; i < 1000; ++i)
        binary.push_back(static_cast<char>(i * 7 % 256));
    draft.attachments.push_back({"photo \xc3\xa9t\xc3\xa9.jpg", "image/jpeg", binary});
    draft.attachments.push_back({"notes.txt", "text/plain\r\nBcc: evil@x", "line1\r\nline2\n--=_layer7_x\r\n"});
    draft.attachments.push_back({"", "application/octet-stream", ""});
    auto built = build_message(draft);
    ASSERT_TRUE(built);
    expect_lines(*built, 78);

    auto parsed = parse_message(*built);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(subject(*parsed), draft.subject);
    EXPECT_EQ(parsed->content_type.value, "multipart/mixed");
    ASSERT_EQ(parsed->parts.size(), 4u);
    EXPECT_EQ(parsed->parts[0].body, "Caf\xc3\xa9 =_ au lait\r\n" + std::string(120, 'x'));
    EXPECT_EQ(parsed->parts[1].filename, "photo \xc3\xa9t\xc3\xa9.jpg");
    EXPECT_EQ(parsed->parts[1].content_type.value, "image/jpeg");
    EXPECT_EQ(parsed->parts[1].body, binary);
    EXPECT_EQ(parsed->parts[2].filename, "notes.txt");
    EXPECT_EQ(parsed->parts[2].content_type.value, "application/octet-stream");  // injection refused
    EXPECT_EQ(parsed->parts[2].body, "line1\r\nline2\n--=_layer7_x\r\n");
    EXPECT_EQ(parsed->parts[3].body, "");
    EXPECT_EQ(parsed->header.find("Bcc"), nullptr);

    auto cc = parse_address_list(parsed->header.get("Cc"));
    ASSERT_TRUE(cc);
    const auto boxes = flatten(*cc);
    ASSERT_EQ(boxes.size(), 3u);
    EXPECT_EQ(boxes[1].display_name, "D\xc3\xa9nis");
    EXPECT_EQ(boxes[2].address(), "someone.with.a.long.name@crepes.fr");
}

TEST(MessageBuilder, Errors)
{
    Draft draft = textbook_draft();
    draft.from.domain = "";
    EXPECT_EQ(build_message(draft).error(), BuildError::bad_address);
    draft = textbook_draft();
    draft.to.push_back({"", "x\r\n", "y"});
    EXPECT_EQ(build_message(draft).error(), BuildError::bad_address);
    draft = textbook_draft();
    draft.message_id = "";
    EXPECT_EQ(build_message(draft).error(), BuildError::bad_message_id);
    draft.message_id = "a>b";
    EXPECT_EQ(build_message(draft).error(), BuildError::bad_message_id);
}

}  // namespace
}  // namespace layer7::mail
