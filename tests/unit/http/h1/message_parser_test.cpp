// Tests for http/h1/message_parser: each limit at limit-1, limit and limit+1, in every split.
#include "http/h1/message_parser.hpp"

#include <gtest/gtest.h>

#include "grind.hpp"

using namespace layer7::http;
using namespace layer7::http::h1;
using namespace layer7::http::h1::test;

namespace {

std::optional<Error> outcome(const std::string& input, const ParserLimits& limits)
{
    return grind_request(input, limits).error;
}

// A request line of exactly n bytes (without CRLF).
std::string request_line(std::size_t n)
{
    std::string line = "GET / HTTP/1.1";
    line.insert(5, n - line.size(), 'a');
    return line;
}

}  // namespace

TEST(ParserLimits, StartLine)
{
    ParserLimits limits;
    limits.max_start_line = 40;
    for (std::size_t n : {39u, 40u}) {
        auto line = request_line(n);
        ASSERT_EQ(line.size(), n);
        EXPECT_FALSE(outcome(line + "\r\nHost: a\r\n\r\n", limits)) << n;
    }
    EXPECT_EQ(outcome(request_line(41) + "\r\nHost: a\r\n\r\n", limits), Error::uri_too_long);
    EXPECT_EQ(status_for(Error::uri_too_long), Status::uri_too_long);
    // Detected before the line ends, so a client cannot make us buffer an endless line.
    RequestParser p(limits);
    p.feed(std::string(42, 'a'));
    EXPECT_EQ(p.next().kind, EventKind::error);
    EXPECT_EQ(p.error(), Error::uri_too_long);
    RequestParser q(limits);
    q.feed(std::string(41, 'a'));
    EXPECT_EQ(q.next().kind, EventKind::need_more);
}

TEST(ParserLimits, FieldSection)
{
    // Section = "Host: a\r\n" (9) + "X: " value "\r\n" + "\r\n" (2).
    auto request = [](std::size_t section) {
        std::size_t value = section - 9 - 2 - 5;
        return "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(value, 'v') + "\r\n\r\n";
    };
    ParserLimits limits;
    limits.max_field_section = 100;
    EXPECT_FALSE(outcome(request(99), limits));
    EXPECT_FALSE(outcome(request(100), limits));
    EXPECT_EQ(outcome(request(101), limits), Error::header_too_large);
    EXPECT_EQ(status_for(Error::header_too_large), Status::request_header_fields_too_large);
}

TEST(ParserLimits, FieldCount)
{
    auto request = [](std::size_t fields) {
        std::string r = "GET / HTTP/1.1\r\nHost: a\r\n";
        for (std::size_t i = 1; i < fields; ++i)
            r += "X" + std::to_string(i) + ": v\r\n";
        return r + "\r\n";
    };
    ParserLimits limits;
    limits.max_fields = 5;
    EXPECT_FALSE(outcome(request(4), limits));
    EXPECT_FALSE(outcome(request(5), limits));
    EXPECT_EQ(outcome(request(6), limits), Error::too_many_fields);
    EXPECT_EQ(status_for(Error::too_many_fields), Status::request_header_fields_too_large);
}

TEST(ParserLimits, ContentLengthBody)
{
    auto request = [](std::size_t n) {
        return "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(n) + "\r\n\r\n" + std::string(n, 'b');
    };
    ParserLimits limits;
    limits.max_body = 16;
    EXPECT_FALSE(outcome(request(15), limits));
    EXPECT_FALSE(outcome(request(16), limits));
    EXPECT_EQ(outcome(request(17), limits), Error::body_too_large);
    EXPECT_EQ(status_for(Error::body_too_large), Status::content_too_large);
    // Refused from the head alone, before any body byte (lets a server skip 100 Continue).
    RequestParser p(limits);
    p.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n");
    EXPECT_EQ(p.next().kind, EventKind::error);
    EXPECT_EQ(p.request().target, "/");
}

TEST(ParserLimits, ChunkedBody)
{
    auto request = [](std::size_t n) {
        std::string r = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        // Two chunks so the limit is crossed by a later chunk, not the first.
        std::size_t first = n / 2;
        auto hex = [](std::size_t v) {
            char buf[20];
            std::snprintf(buf, sizeof buf, "%zx", v);
            return std::string(buf);
        };
        r += hex(first) + "\r\n" + std::string(first, 'c') + "\r\n";
        r += hex(n - first) + "\r\n" + std::string(n - first, 'd') + "\r\n0\r\n\r\n";
        return r;
    };
    ParserLimits limits;
    limits.max_body = 20;
    EXPECT_FALSE(outcome(request(19), limits));
    EXPECT_FALSE(outcome(request(20), limits));
    EXPECT_EQ(outcome(request(21), limits), Error::body_too_large);
}

TEST(ParserLimits, ChunkLine)
{
    auto request = [](std::size_t line) {
        std::string ext = ";e=" + std::string(line - 4, 'x');
        return "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1" + ext + "\r\nz\r\n0\r\n\r\n";
    };
    ParserLimits limits;
    limits.max_chunk_line = 30;
    EXPECT_FALSE(outcome(request(29), limits));
    EXPECT_FALSE(outcome(request(30), limits));
    EXPECT_EQ(outcome(request(31), limits), Error::chunk_line_too_long);
}

TEST(ParserLimits, TrailerSectionCountsAgainstFieldLimits)
{
    ParserLimits limits;
    limits.max_fields = 2;
    std::string base = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
    EXPECT_FALSE(outcome(base + "A: 1\r\nB: 2\r\n\r\n", limits));
    EXPECT_EQ(outcome(base + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits), Error::too_many_fields);
    limits.max_fields = 100;
    limits.max_field_section = 20;
    EXPECT_EQ(outcome(base + "A: " + std::string(20, 'x') + "\r\n\r\n", limits), Error::header_too_large);
}

TEST(ParserLimits, LimitsCanBeRaisedPerMessage)
{
    ParserLimits limits;
    limits.max_body = 4;
    RequestParser p(limits);
    p.feed("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    ASSERT_EQ(p.next().kind, EventKind::head);
    p.limits().max_body = 100;  // e.g. a route that accepts uploads
    p.feed("8\r\n12345678\r\n0\r\n\r\n");
    EXPECT_EQ(p.next().kind, EventKind::data);
    EXPECT_EQ(p.next().kind, EventKind::complete);
}

TEST(ParserLimits, ManyEmptyLinesDoNotRecurse)
{
    RequestParser p;
    p.feed(std::string(1 << 20, '\n') + "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(p.next().kind, EventKind::head);
}

TEST(ParserLimits, OverlongLineWithBareLfIsTooLongInEverySplit)
{
    // Found by fuzzing: the whole input said bare_lf while a split said uri_too_long.
    ParserLimits limits;
    limits.max_start_line = 40;
    limits.allow_bare_lf = false;
    EXPECT_EQ(outcome(request_line(45) + "\nHost: a\r\n\r\n", limits), Error::uri_too_long);
    EXPECT_EQ(outcome(request_line(41) + "\n\r\n", limits), Error::bare_lf);  // CR slot: ending checked
    EXPECT_EQ(outcome(request_line(40) + "\n\r\n", limits), Error::bare_lf);
    limits.max_chunk_line = 8;
    EXPECT_EQ(outcome("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;aaaaaaaaaa\n", limits),
              Error::chunk_line_too_long);
}
