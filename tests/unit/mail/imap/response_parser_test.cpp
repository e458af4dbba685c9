// The client-side response parser: status responses with codes, data responses with nested lists,
// quoted strings and literals (assembled from lines), sections with spaces, limits and junk.
#include "mail/imap/response_parser.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::imap {
namespace {

Response parse(std::string_view text)
{
    auto r = parse_response(text);
    EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error());
    return r ? *r : Response{};
}

TEST(ResponseParser, StatusResponses)
{
    Response r = parse("a1 OK [READ-WRITE] SELECT completed");
    EXPECT_EQ(r.kind, Response::Kind::tagged);
    EXPECT_EQ(r.tag, "a1");
    EXPECT_EQ(r.keyword, "OK");
    EXPECT_EQ(r.code, "READ-WRITE");
    EXPECT_EQ(r.text, "SELECT completed");
    r = parse("* ok [UIDNEXT 5] Predicted next UID");
    EXPECT_EQ(r.kind, Response::Kind::untagged);
    EXPECT_EQ(r.keyword, "OK");
    EXPECT_EQ(r.code, "UIDNEXT 5");
    r = parse("+ Ready for literal data");
    EXPECT_EQ(r.kind, Response::Kind::continuation);
    EXPECT_EQ(r.text, "Ready for literal data");
    EXPECT_EQ(parse("a2 NO").keyword, "NO");
    EXPECT_EQ(parse("* 3 EXISTS").number, 3u);
}

TEST(ResponseParser, ListAndStatusAndSearch)
{
    auto e = list_entry(parse(R"(* LIST (\HasNoChildren \Sent) "/" "Sent Items")"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->flags, (std::vector<std::string>{"\\HasNoChildren", "\\Sent"}));
    EXPECT_EQ(e->delimiter, "/");
    EXPECT_EQ(e->name, "Sent Items");
    e = list_entry(parse(R"(* LIST () NIL INBOX)"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->delimiter, "");
    EXPECT_EQ(e->name, "INBOX");
    auto s = status_entry(parse(R"(* STATUS "a \"b\"" (MESSAGES 3 UNSEEN 1))"));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->mailbox, "a \"b\"");
    EXPECT_EQ(s->get("MESSAGES"), 3u);
    EXPECT_EQ(s->get("UNSEEN"), 1u);
    EXPECT_FALSE(s->get("RECENT"));
    EXPECT_EQ(search_result(parse("* SEARCH 2 84 882")), (std::vector<std::uint32_t>{2, 84, 882}));
    EXPECT_TRUE(search_result(parse("* SEARCH")).empty());
}

TEST(ResponseParser, FetchWithLiteralsAndSections)
{
    ResponseAssembler a({});
    EXPECT_EQ(a.on_line("* 12 FETCH (UID 7 FLAGS (\\Seen) BODY[HEADER.FIELDS (FROM SUBJECT)] {22}"),
              AssembleStatus::need_literal);
    EXPECT_EQ(a.literal_size(), 22u);
    EXPECT_EQ(a.on_literal("Subject: hi {5}\r\n\r\n)\r\n"), AssembleStatus::complete);
    EXPECT_EQ(a.on_line(" BODY[] {3}"), AssembleStatus::need_literal);
    EXPECT_EQ(a.on_literal("a\"b"), AssembleStatus::complete);
    EXPECT_EQ(a.on_line(" ENVELOPE (NIL \"s\" ((\"n\" NIL \"u\" \"d\")) NIL))"), AssembleStatus::complete);
    Response r = parse(a.take());
    EXPECT_EQ(r.number, 12u);
    EXPECT_EQ(r.keyword, "FETCH");
    ASSERT_TRUE(fetch_item(r, "uid"));
    EXPECT_EQ(fetch_item(r, "UID")->number(), 7u);
    EXPECT_EQ(flag_list(*fetch_item(r, "FLAGS")), (std::vector<std::string>{"\\Seen"}));
    ASSERT_TRUE(fetch_item(r, "BODY[HEADER.FIELDS (FROM SUBJECT)]"));
    EXPECT_EQ(fetch_item(r, "BODY[HEADER.FIELDS (FROM SUBJECT)]")->str(), "Subject: hi {5}\r\n\r\n)\r\n");
    EXPECT_EQ(fetch_item(r, "BODY[]")->str(), "a\"b");
    const Value* env = fetch_item(r, "ENVELOPE");
    ASSERT_TRUE(env && env->is_list());
    EXPECT_EQ(env->items[0].kind, Value::Kind::nil);
    EXPECT_EQ(env->items[2].items[0].items[2].str(), "u");
    EXPECT_FALSE(fetch_item(r, "RFC822.SIZE"));
}

TEST(ResponseParser, AssemblerLimits)
{
    ResponseLimits limits;
    limits.max_literal = 100;
    limits.max_line = 50;
    ResponseAssembler a(limits);
    EXPECT_EQ(a.on_line("* 1 FETCH (BODY[] {10000000000})"), AssembleStatus::complete);  // not at the end: no literal
    a.take();
    EXPECT_EQ(a.on_line("* 1 FETCH (BODY[] {101}"), AssembleStatus::error);  // refused before reading it
    ResponseAssembler b(limits);
    EXPECT_EQ(b.on_line(std::string(51, 'x')), AssembleStatus::error);
    ResponseAssembler c(limits);
    EXPECT_EQ(c.on_line("* 1 FETCH (BODY[] {5}"), AssembleStatus::need_literal);
    EXPECT_EQ(c.on_literal("abc"), AssembleStatus::error);  // cut short
}

TEST(ResponseParser, DepthAndItemLimits)
{
    ResponseLimits limits;
    limits.max_depth = 3;
    EXPECT_TRUE(parse_response("* X (((a)))", limits));
    EXPECT_FALSE(parse_response("* X ((((a))))", limits));
    limits.max_items = 5;
    EXPECT_FALSE(parse_response("* SEARCH 1 2 3 4 5 6", limits));
}

TEST(ResponseParser, RefusesJunk)
{
    for (const char* junk : {"", "* ", "* 1 FETCH (UID 1", "* LIST (\\Noselect) \"/", "* X {5}\r\nab", "* X )",
                             "a1 LIST ()", "* 99999999999 EXISTS", "* X [unclosed", "* X {x}\r\n"})
        EXPECT_FALSE(parse_response(junk)) << junk;
}

TEST(Quote, EscapesAndRefusesLineBreaks)
{
    EXPECT_EQ(quote("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
    EXPECT_EQ(quote("Crêpes"), "\"Crêpes\"");
    EXPECT_FALSE(quote("a\r\nb"));
}

}  // namespace
}  // namespace layer7::mail::imap
