// CGI header block (RFC 3875 §6): kinds of response, every split offset, errors, limits.
#include "http/cgi/header_block.hpp"

#include <gtest/gtest.h>

#include <string>

namespace layer7::http::cgi {
namespace {

struct Parsed {
    HeaderParser::State state;
    HeaderError error = HeaderError::incomplete;
    std::string body;  // what followed the block
};

// Feeds `output` in pieces of `step` bytes, then ends it.
Parsed parse(HeaderParser& p, std::string_view output, std::size_t step)
{
    Parsed r{};
    for (std::size_t at = 0; at < output.size(); at += step) {
        const std::string_view piece = output.substr(at, step);
        const std::size_t used = p.feed(piece);
        if (p.state() != HeaderParser::State::need_more) {
            if (p.state() == HeaderParser::State::done)
                r.body = std::string(piece.substr(used)) + std::string(output.substr(at + piece.size()));
            break;
        }
        EXPECT_EQ(used, piece.size());
    }
    p.finish();
    r.state = p.state();
    r.error = p.error();
    return r;
}

Parsed parse(std::string_view output, HeaderLimits limits = {})
{
    HeaderParser p(limits);
    return parse(p, output, output.size() ? output.size() : 1);
}

TEST(CgiHeaderBlock, DocumentWithBareLfAndBody)
{
    HeaderParser p;
    auto r = parse(p, "Content-Type: text/html\nX-Extra: 1\n\n<p>hi</p>\n", 1000);
    ASSERT_EQ(r.state, HeaderParser::State::done);
    EXPECT_EQ(r.body, "<p>hi</p>\n");
    EXPECT_EQ(p.header().content_type, "text/html");
    EXPECT_EQ(p.header().kind(), ResponseKind::document);
    EXPECT_FALSE(p.header().status);
    ASSERT_EQ(p.header().fields.size(), 1u);
    EXPECT_EQ(p.header().fields.get("X-Extra"), "1");
}

TEST(CgiHeaderBlock, EverySplitGivesTheSameResult)
{
    const std::string output = "Status: 201 Made\r\nContent-Type: text/plain\r\nSet-Cookie: a=b\r\n\r\nbody\r\nmore";
    for (std::size_t step = 1; step <= output.size(); ++step) {
        HeaderParser p;
        auto r = parse(p, output, step);
        ASSERT_EQ(r.state, HeaderParser::State::done) << step;
        EXPECT_EQ(r.body, "body\r\nmore") << step;
        EXPECT_EQ(p.header().status, 201);
        EXPECT_EQ(p.header().reason, "Made");
        EXPECT_EQ(p.header().fields.get("Set-Cookie"), "a=b");
    }
}

TEST(CgiHeaderBlock, StatusForms)
{
    HeaderParser p;
    ASSERT_EQ(parse(p, "Status: 404\n\n", 100).state, HeaderParser::State::done);
    EXPECT_EQ(p.header().status, 404);
    EXPECT_EQ(p.header().reason, "");
    for (const char* bad : {"Status: 99 X\n\n", "Status: 100 Continue\n\n", "Status: 600 X\n\n", "Status: 2000\n\n",
                            "Status: abc\n\n", "Status: 20\n\n", "Status:\n\n"})
        EXPECT_EQ(parse(bad).error, HeaderError::bad_status) << bad;
}

TEST(CgiHeaderBlock, Redirects)
{
    HeaderParser local;
    parse(local, "Location: /index.html?x=1\n\n", 100);
    EXPECT_EQ(local.header().kind(), ResponseKind::local_redirect);
    EXPECT_EQ(local.header().location, "/index.html?x=1");
    HeaderParser client;
    parse(client, "Location: http://example.com/\n\n", 100);
    EXPECT_EQ(client.header().kind(), ResponseKind::client_redirect);
    HeaderParser with_document;
    parse(with_document, "Location: https://e.org/x\nStatus: 301 Moved\nContent-Type: text/html\n\n<a>", 100);
    EXPECT_EQ(with_document.header().kind(), ResponseKind::client_redirect);
    EXPECT_EQ(with_document.header().status, 301);
    for (const char* bad :
         {"Location: relative\n\n", "Location: //evil.example/\n\n", "Location:\n\n", "Location: 1x:y\n\n"})
        EXPECT_EQ(parse(bad).error, HeaderError::bad_location) << bad;
}

TEST(CgiHeaderBlock, MalformedBlocks)
{
    EXPECT_EQ(parse("no colon here\n\n").error, HeaderError::bad_line);
    EXPECT_EQ(parse("Content-Type: text/plain\n folded\n\n").error, HeaderError::bad_line);
    EXPECT_EQ(parse("Bad Name: x\n\n").error, HeaderError::bad_name);
    EXPECT_EQ(parse(": x\n\n").error, HeaderError::bad_name);
    EXPECT_EQ(parse(std::string("X: a\0b\n\n", 9)).error, HeaderError::bad_value);
    EXPECT_EQ(parse("X: a\rb\n\n").error, HeaderError::bad_value);
    EXPECT_EQ(parse("Content-Type: a\nContent-Type: b\n\n").error, HeaderError::duplicate);
    EXPECT_EQ(parse("Status: 200\nstatus: 201\n\n").error, HeaderError::duplicate);
    EXPECT_EQ(parse("X-Only: 1\n\n").error, HeaderError::no_header);
    EXPECT_EQ(parse("\n").error, HeaderError::no_header);
    EXPECT_EQ(parse("Content-Type: text/plain\n").error, HeaderError::incomplete);
    EXPECT_EQ(parse("").error, HeaderError::incomplete);
    EXPECT_EQ(parse("<html>no header at all</html>").error, HeaderError::incomplete);
}

TEST(CgiHeaderBlock, BlockSizeLimit)
{
    // "Content-Type: " + value + "\n\n": exactly max_block bytes is fine, one more is not.
    const std::size_t max = 64;
    auto block = [](std::size_t total) { return "Content-Type: " + std::string(total - 16, 'x') + "\n\n"; };
    EXPECT_EQ(parse(block(max - 1), {.max_block = max}).state, HeaderParser::State::done);
    EXPECT_EQ(parse(block(max), {.max_block = max}).state, HeaderParser::State::done);
    EXPECT_EQ(parse(block(max + 1), {.max_block = max}).error, HeaderError::too_long);
    // A line that never ends fails as soon as it is too long, not at the end of the output.
    HeaderParser p({.max_block = max});
    p.feed(std::string(max + 1, 'x'));
    EXPECT_EQ(p.state(), HeaderParser::State::failed);
    EXPECT_EQ(p.error(), HeaderError::too_long);
}

TEST(CgiHeaderBlock, FieldCountLimit)
{
    auto fields = [](int n) {
        std::string s = "Content-Type: a\n";
        for (int i = 1; i < n; ++i)
            s += "X-" + std::to_string(i) + ": v\n";
        return s + "\n";
    };
    EXPECT_EQ(parse(fields(3), {.max_fields = 3}).state, HeaderParser::State::done);
    EXPECT_EQ(parse(fields(4), {.max_fields = 3}).error, HeaderError::too_long);
}

TEST(CgiHeaderBlock, EveryErrorIsDescribed)
{
    for (auto e : {HeaderError::too_long, HeaderError::bad_line, HeaderError::bad_name, HeaderError::bad_value,
                   HeaderError::bad_status, HeaderError::bad_location, HeaderError::duplicate, HeaderError::no_header,
                   HeaderError::incomplete})
        EXPECT_NE(describe(e), "?");
}

}  // namespace
}  // namespace layer7::http::cgi
