// Tests for http/h1/response_parser: framing by status and request method (RFC 9112 §6.3), every split.
#include "http/h1/response_parser.hpp"

#include <gtest/gtest.h>

#include "grind.hpp"

using namespace layer7::http;
using namespace layer7::http::h1;
using namespace layer7::http::h1::test;

namespace {

Transcript responses(std::string_view input, std::vector<std::string_view> methods = {}, bool eof = false)
{
    return grind(
        input,
        [&] {
            ResponseParser p;
            for (auto m : methods)
                p.expect_response_to(*Method::parse(m));
            return p;
        },
        eof);
}

}  // namespace

TEST(ResponseParser, Rfc9112Example)
{
    // RFC 9110 §6 example response.
    auto t = responses(
        "HTTP/1.1 200 OK\r\n"
        "Date: Mon, 27 Jul 2009 12:28:53 GMT\r\n"
        "Server: Apache\r\n"
        "Last-Modified: Wed, 22 Jul 2009 19:15:56 GMT\r\n"
        "ETag: \"34aa387-d-1568eb00\"\r\n"
        "Accept-Ranges: bytes\r\n"
        "Content-Length: 51\r\n"
        "Vary: Accept-Encoding\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "Hello World! My content includes a trailing CRLF.\r\n");
    ASSERT_FALSE(t.error) << t;
    EXPECT_EQ(t.bodies[0], "Hello World! My content includes a trailing CRLF.\r\n");
    EXPECT_EQ(t.completed, 1u);
}

TEST(ResponseParser, NoBodyForHead204304)
{
    auto t = responses(
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
        "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
        "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        {"HEAD", "GET", "GET", "HEAD"});
    ASSERT_FALSE(t.error) << t;
    EXPECT_EQ(t.completed, 4u);
    EXPECT_EQ(t.bodies, (std::vector<std::string>{"", "", "", ""}));
}

TEST(ResponseParser, InterimResponsesPrecedeTheFinalOne)
{
    auto t = responses(
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n",
        {"POST", "HEAD"});
    ASSERT_FALSE(t.error) << t;
    EXPECT_EQ(t.completed, 4u);
    EXPECT_EQ(t.heads[0], "100 Continue");
    EXPECT_EQ(t.bodies[2], "ok");
    EXPECT_EQ(t.bodies[3], "");  // the HEAD method was not consumed by the interim responses
}

TEST(ResponseParser, ChunkedWithTrailers)
{
    auto t = responses(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Server-Timing\r\n\r\n"
        "5\r\nhello\r\n1;x=y\r\n!\r\n0\r\nServer-Timing: db;dur=53\r\n\r\n");
    ASSERT_FALSE(t.error) << t;
    EXPECT_EQ(t.bodies[0], "hello!");
    EXPECT_EQ(t.trailers[0], "|Server-Timing=db;dur=53");
}

TEST(ResponseParser, ReadUntilClose)
{
    auto t = responses("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>all of it</html>", {}, true);
    ASSERT_FALSE(t.error) << t;
    EXPECT_EQ(t.bodies[0], "<html>all of it</html>");
    EXPECT_EQ(t.completed, 1u);
    // §6.3 item 4: a response whose TE does not end in chunked is read until close.
    t = responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nGZDATA", {}, true);
    ASSERT_FALSE(t.error) << t;
    EXPECT_EQ(t.bodies[0], "GZDATA");
    // §6.1: chunked in an HTTP/1.0 response is not trusted.
    t = responses("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {}, true);
    EXPECT_EQ(t.bodies[0], "0\r\n\r\n");
}

TEST(ResponseParser, UntilCloseRespectsBodyLimit)
{
    ParserLimits limits;
    limits.max_body = 4;
    auto t = grind(
        "HTTP/1.1 200 OK\r\n\r\n12345", [&] { return ResponseParser(limits); }, true);
    EXPECT_EQ(t.error, Error::body_too_large);
    t = grind(
        "HTTP/1.1 200 OK\r\n\r\n1234", [&] { return ResponseParser(limits); }, true);
    EXPECT_FALSE(t.error);
}

TEST(ResponseParser, TruncatedBodyIsAnError)
{
    auto t = responses("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", {}, true);
    EXPECT_EQ(t.error, Error::incomplete_message);
    t = responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", {}, true);
    EXPECT_EQ(t.error, Error::incomplete_message);
}

TEST(ResponseParser, SwitchingProtocolsAndConnectTunnel)
{
    ResponseParser p;
    p.feed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello");
    EXPECT_EQ(p.next().kind, EventKind::head);
    EXPECT_EQ(p.next().kind, EventKind::complete);
    EXPECT_TRUE(p.upgraded());
    EXPECT_EQ(p.next().kind, EventKind::need_more);
    EXPECT_EQ(p.buffered(), "\x81\x05hello");

    ResponseParser c;
    c.expect_response_to(Method(MethodId::connect));
    c.feed("HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03\x01");
    EXPECT_EQ(c.next().kind, EventKind::head);
    EXPECT_EQ(c.response().reason, "Connection Established");
    EXPECT_EQ(c.next().kind, EventKind::complete);
    EXPECT_TRUE(c.upgraded());
    EXPECT_EQ(c.take_buffered(), "\x16\x03\x01");
    EXPECT_EQ(c.finish().kind, EventKind::need_more);

    ResponseParser refused;  // a CONNECT refused with 407 has an ordinary body
    refused.expect_response_to(Method(MethodId::connect));
    refused.feed("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 2\r\n\r\nno");
    EXPECT_EQ(refused.next().kind, EventKind::head);
    EXPECT_EQ(refused.next().data, "no");
    EXPECT_EQ(refused.next().kind, EventKind::complete);
    EXPECT_FALSE(refused.upgraded());
}

TEST(ResponseParser, StatusLines)
{
    auto bad = [](std::string_view line) {
        ResponseParser p;
        p.feed(std::string(line) + "\r\n\r\n");
        return p.next().kind == EventKind::error ? std::optional<Error>(p.error()) : std::nullopt;
    };
    EXPECT_FALSE(bad("HTTP/1.1 200"));  // missing SP + reason, tolerated
    EXPECT_FALSE(bad("HTTP/1.1 200 "));
    EXPECT_FALSE(bad("HTTP/1.1 599 Whatever you like\t(really)"));
    EXPECT_EQ(bad("HTTP/1.1 99 Low"), Error::bad_status_line);
    EXPECT_EQ(bad("HTTP/1.1 600 High"), Error::bad_status_line);
    EXPECT_EQ(bad("HTTP/1.1 20x OK"), Error::bad_status_line);
    EXPECT_EQ(bad("HTTP/1.1 2000 OK"), Error::bad_status_line);
    EXPECT_EQ(bad("HTTP/1.1  200 OK"), Error::bad_status_line);
    EXPECT_EQ(bad("HTTP/1.1 200 O\x01K"), Error::bad_status_line);
    EXPECT_EQ(bad("ICY 200 OK"), Error::bad_status_line);
    EXPECT_EQ(bad("HTTP/2.0 200 OK"), Error::version_not_supported);
    EXPECT_EQ(bad("HTTP/1.1 200 OK\rX"), Error::bare_cr);
}

TEST(ResponseParser, SmugglingGuards)
{
    auto t = responses("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    EXPECT_EQ(t.error, Error::content_length_with_transfer_encoding);
    t = responses("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
    EXPECT_EQ(t.error, Error::conflicting_content_length);
    t = responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n");
    EXPECT_EQ(t.error, Error::bad_transfer_encoding);
}

TEST(ResponseParser, PipelinedResponsesFollowTheMethodQueue)
{
    auto t = responses(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
        {"HEAD", "GET", "GET"});
    ASSERT_FALSE(t.error) << t;
    EXPECT_EQ(t.bodies, (std::vector<std::string>{"", "hello", ""}));
}
