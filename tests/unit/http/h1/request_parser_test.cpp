// Tests for http/h1/request_parser: RFC 9112 examples, every split, pipelining, limits, smuggling.
#include "http/h1/request_parser.hpp"

#include <gtest/gtest.h>

#include "grind.hpp"

using namespace layer7::http;
using namespace layer7::http::h1;
using namespace layer7::http::h1::test;

namespace {

Transcript ok(std::string_view input, ParserLimits limits = {})
{
    Transcript t = grind_request(input, limits);
    EXPECT_FALSE(t.error) << t;
    return t;
}

Error err(std::string_view input, ParserLimits limits = {})
{
    Transcript t = grind_request(input, limits);
    EXPECT_TRUE(t.error) << input;
    return t.error.value_or(Error::incomplete_message);
}

}  // namespace

TEST(RequestParser, Rfc9112Example)
{
    // RFC 9112 §2.1 / RFC 9110 §6 example request.
    auto t =
        ok("GET /hello.txt HTTP/1.1\r\n"
           "User-Agent: curl/7.64.1\r\n"
           "Host: www.example.com\r\n"
           "Accept-Language: en, mi\r\n"
           "\r\n");
    ASSERT_EQ(t.heads.size(), 1u);
    EXPECT_EQ(t.heads[0], "GET /hello.txt 1.1|User-Agent=curl/7.64.1|Host=www.example.com|Accept-Language=en, mi");
    EXPECT_EQ(t.bodies[0], "");
    EXPECT_EQ(t.completed, 1u);
}

TEST(RequestParser, TextbookRequestWithBareLf)
{
    // Typed into nc: LF line endings (RFC 9112 §2.2 MAY accept), HTTP/1.0 needs no Host.
    auto t = ok("GET /somedir/page.html HTTP/1.0\nUser-agent: Mozilla/5.0\nAccept-language: fr\n\n");
    EXPECT_EQ(t.heads[0], "GET /somedir/page.html 1.0|User-agent=Mozilla/5.0|Accept-language=fr");
    ParserLimits strict;
    strict.allow_bare_lf = false;
    EXPECT_EQ(err("GET / HTTP/1.0\n\n", strict), Error::bare_lf);
    EXPECT_EQ(err("GET / HTTP/1.1\r\nHost: a\n\r\n", strict), Error::bare_lf);
}

TEST(RequestParser, ContentLengthBody)
{
    auto t =
        ok("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           "Content-Length: 13\r\n\r\nname=Alice&x=");
    EXPECT_EQ(t.bodies[0], "name=Alice&x=");
    EXPECT_EQ(t.completed, 1u);
}

TEST(RequestParser, ChunkedBodyWithExtensionsAndTrailers)
{
    // The chunked example of RFC 9112 §7.1 style, with an extension and a trailer (§7.1.2).
    auto t =
        ok("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
           "4\r\nWiki\r\n"
           "5;name=value;q=\"quoted;str\"\r\npedia\r\n"
           "E ; ext\r\n in\r\n\r\nchunks.\r\n"
           "0\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n");
    EXPECT_EQ(t.bodies[0], "Wikipedia in\r\n\r\nchunks.");
    EXPECT_EQ(t.trailers[0], "|Expires=Wed, 21 Oct 2015 07:28:00 GMT");
    EXPECT_EQ(t.completed, 1u);
}

TEST(RequestParser, PipelinedRequests)
{
    auto t =
        ok("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
           "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz"
           "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nq\r\n0\r\n\r\n"
           "\r\nGET /d HTTP/1.1\r\nHost: h\r\n\r\n");
    ASSERT_EQ(t.heads.size(), 4u);
    EXPECT_EQ(t.heads[1], "POST /b 1.1|Host=h|Content-Length=3");
    EXPECT_EQ(t.bodies, (std::vector<std::string>{"", "xyz", "q", ""}));
    EXPECT_EQ(t.heads[3], "GET /d 1.1|Host=h");
    EXPECT_EQ(t.completed, 4u);
}

TEST(RequestParser, RequestStaysReadableUntilNextMessageArrives)
{
    RequestParser p;
    p.feed("GET /first HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(p.next().kind, EventKind::head);
    EXPECT_EQ(p.next().kind, EventKind::complete);
    EXPECT_EQ(p.next().kind, EventKind::need_more);
    EXPECT_EQ(p.request().target, "/first");
    EXPECT_TRUE(p.idle());
    p.feed("GET /second HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(p.next().kind, EventKind::head);
    EXPECT_EQ(p.request().target, "/second");
    EXPECT_EQ(p.request().fields.size(), 1u);
}

TEST(RequestParser, ChromiumLikeRequest)
{
    auto t =
        ok("GET /index.html HTTP/1.1\r\n"
           "Host: localhost:8080\r\n"
           "Connection: keep-alive\r\n"
           "sec-ch-ua: \"Chromium\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
           "sec-ch-ua-mobile: ?0\r\n"
           "Upgrade-Insecure-Requests: 1\r\n"
           "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)\r\n"
           "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
           "Sec-Fetch-Site: none\r\n"
           "Accept-Encoding: gzip, deflate, br, zstd\r\n"
           "Accept-Language: en-US,en;q=0.9\r\n"
           "Cookie: a=1; b=2\r\n"
           "\r\n");
    EXPECT_EQ(t.completed, 1u);
}

TEST(RequestParser, TargetForms)
{
    ok("GET http://example.com/x?y HTTP/1.1\r\nHost: example.com\r\n\r\n");
    ok("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    ok("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(err("GET * HTTP/1.1\r\nHost: a\r\n\r\n"), Error::bad_target);
    EXPECT_EQ(err("CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n"), Error::bad_target);
    EXPECT_EQ(err("GET x HTTP/1.1\r\nHost: a\r\n\r\n"), Error::bad_target);
}

TEST(RequestParser, MalformedRequestLines)
{
    EXPECT_EQ(err("GET\r\n\r\n"), Error::bad_request_line);
    EXPECT_EQ(err("GET /\r\n\r\n"), Error::bad_request_line);
    EXPECT_EQ(err("GET  / HTTP/1.1\r\n\r\n"), Error::bad_request_line);
    EXPECT_EQ(err("GET / HTTP/1.1 \r\n\r\n"), Error::bad_request_line);
    EXPECT_EQ(err(" GET / HTTP/1.1\r\n\r\n"), Error::bad_request_line);
    EXPECT_EQ(err("G(T / HTTP/1.1\r\n\r\n"), Error::bad_method);
    EXPECT_EQ(err("GET / HTTP/1.x\r\n\r\n"), Error::bad_version);
    EXPECT_EQ(err("GET / http/1.1\r\n\r\n"), Error::bad_version);
    EXPECT_EQ(err("GET / HTTP/1.10\r\n\r\n"), Error::bad_version);
    EXPECT_EQ(err("GET / HTTP/2.0\r\n\r\n"), Error::version_not_supported);
    EXPECT_EQ(err("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Error::version_not_supported);
    EXPECT_EQ(err("GET / HTTP/1.1\rX\r\n\r\n"), Error::bare_cr);
    EXPECT_EQ(status_for(Error::version_not_supported), Status::http_version_not_supported);
}

TEST(RequestParser, MinorVersionAboveOneIsAccepted)
{
    EXPECT_EQ(ok("GET / HTTP/1.2\r\nHost: a\r\n\r\n").heads[0], "GET / 1.2|Host=a");
}

TEST(RequestParser, HostRules)
{
    // RFC 9112 §3.2: 400 for a missing Host in 1.1, repeated Host, or an invalid one.
    EXPECT_EQ(err("GET / HTTP/1.1\r\n\r\n"), Error::missing_host);
    EXPECT_EQ(err("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), Error::bad_host);
    EXPECT_EQ(err("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), Error::bad_host);
    EXPECT_EQ(err("GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n"), Error::bad_host);
    ok("GET / HTTP/1.1\r\nHost:\r\n\r\n");
    ok("GET / HTTP/1.1\r\nhost: [::1]:8080\r\n\r\n");
}

TEST(RequestParser, SmugglingGuards)
{
    struct Case {
        const char* request;
        Error error;
    };
    const Case cases[] = {
        // CL.TE / TE.CL desync: both framings present.
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         Error::content_length_with_transfer_encoding},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n",
         Error::content_length_with_transfer_encoding},
        // Differing duplicate Content-Lengths, in two lines or one list.
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy",
         Error::conflicting_content_length},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\nxy", Error::conflicting_content_length},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx", Error::bad_content_length},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x1\r\n\r\nx", Error::bad_content_length},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 1\r\n\r\nx", Error::bad_content_length},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", Error::bad_content_length},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9999999999999999999\r\n\r\n", Error::bad_content_length},
        // obs-fold (§5.2), whitespace before the colon (§5.1), bare CR (§2.2).
        {"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", Error::obs_fold},
        {"GET / HTTP/1.1\r\nHost: a\r\n\tX: 1\r\n\r\n", Error::obs_fold},
        {"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n", Error::whitespace_before_colon},
        {"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", Error::whitespace_before_colon},
        {"GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", Error::bare_cr},
        {"GET / HTTP/1.1\r\nHost: a\r\nX: \r\r\n\r\n", Error::bare_cr},
        // Transfer-Encoding not ending in chunked (§6.3 item 4), chunked twice, junk codings.
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", Error::chunked_not_final},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", Error::chunked_not_final},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", Error::chunked_not_final},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
         Error::bad_transfer_encoding},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", Error::bad_transfer_encoding},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,\r\n\r\n", Error::bad_transfer_encoding},
        {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", Error::bad_transfer_encoding},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", Error::unsupported_transfer_coding},
        // Invalid token characters and bytes.
        {"GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n", Error::bad_field_name},
        {"GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n", Error::bad_field_name},
        {"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", Error::bad_field_line},
        {"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01z\r\n\r\n", Error::bad_field_value},
        {"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fz\r\n\r\n", Error::bad_field_value},
        // Chunked framing abuse.
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\nx\r\n0\r\n\r\n", Error::bare_lf},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxx\r\n0\r\n\r\n",
         Error::bad_chunk_terminator},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\n0\r\n\r\n",
         Error::bad_chunk_terminator},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n", Error::bad_chunk_size},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x1\r\nx\r\n0\r\n\r\n",
         Error::bad_chunk_size},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", Error::bad_chunk_size},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
         Error::bad_chunk_size},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\r\nx\r\n0\r\n\r\n",
         Error::bad_chunk_extension},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a=\"x\r\nx\r\n0\r\n\r\n",
         Error::bad_chunk_extension},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a\rb\r\nx\r\n0\r\n\r\n",
         Error::bad_chunk_extension},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX : y\r\n\r\n",
         Error::whitespace_before_colon},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.request);
        EXPECT_EQ(err(c.request), c.error) << describe(c.error);
    }
}

TEST(RequestParser, IdenticalDuplicateContentLengthIsAccepted)
{
    // §6.3 item 5: a list of identical values may be treated as one.
    auto t = ok("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nxy");
    EXPECT_EQ(t.bodies[0], "xy");
}

TEST(RequestParser, ErrorIsStickyAndMapsToStatus)
{
    RequestParser p;
    p.feed("GET / HTTP/1.1\r\nHost : a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(p.next().kind, EventKind::error);
    EXPECT_EQ(p.next().kind, EventKind::error);
    EXPECT_EQ(status_for(p.error()), Status::bad_request);
}

TEST(RequestParser, FinishOnEof)
{
    RequestParser idle;
    EXPECT_EQ(idle.finish().kind, EventKind::need_more);
    RequestParser crlf;
    crlf.feed("\r\n");
    EXPECT_EQ(crlf.next().kind, EventKind::need_more);
    EXPECT_EQ(crlf.finish().kind, EventKind::need_more);
    RequestParser half;
    half.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab");
    EXPECT_EQ(half.next().kind, EventKind::head);
    EXPECT_EQ(half.next().kind, EventKind::data);
    EXPECT_EQ(half.finish().kind, EventKind::error);
    EXPECT_EQ(half.error(), Error::incomplete_message);
    RequestParser partial_line;
    partial_line.feed("GET /");
    EXPECT_EQ(partial_line.next().kind, EventKind::need_more);
    EXPECT_EQ(partial_line.finish().kind, EventKind::error);
}

TEST(RequestParser, UpgradeLeavesTheRestBuffered)
{
    RequestParser p;
    p.feed("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\nPRI *");
    EXPECT_EQ(p.next().kind, EventKind::head);
    EXPECT_EQ(p.next().kind, EventKind::complete);
    EXPECT_EQ(p.buffered(), "PRI *");
    EXPECT_EQ(p.take_buffered(), "PRI *");
    EXPECT_EQ(p.buffered(), "");
}
