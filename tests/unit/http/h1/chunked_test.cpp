// Tests for http/h1/chunked (RFC 9112 §7.1): chunk-size lines and the encoder.
#include "http/h1/chunked.hpp"

#include <gtest/gtest.h>

#include "http/h1/request_parser.hpp"

using namespace layer7::http;
using namespace layer7::http::h1;

TEST(Chunked, ChunkLine)
{
    std::uint64_t n = 0;
    EXPECT_FALSE(parse_chunk_line("1a", n));
    EXPECT_EQ(n, 26u);
    EXPECT_FALSE(parse_chunk_line("FFFFFFFFFFFFFFFF", n));
    EXPECT_EQ(n, ~0ull);
    EXPECT_FALSE(parse_chunk_line("000000000000000000001", n));  // leading zeros do not overflow
    EXPECT_EQ(n, 1u);
    EXPECT_FALSE(parse_chunk_line("5 ; a = b ; c=\"d;e\" ;f", n));
    EXPECT_EQ(n, 5u);
    EXPECT_EQ(parse_chunk_line("", n), Error::bad_chunk_size);
    EXPECT_EQ(parse_chunk_line("g", n), Error::bad_chunk_size);
    EXPECT_EQ(parse_chunk_line("1 2", n), Error::bad_chunk_size);
    EXPECT_EQ(parse_chunk_line("1;a=", n), Error::bad_chunk_extension);
    EXPECT_EQ(parse_chunk_line("1;a=b c", n), Error::bad_chunk_extension);
}

TEST(Chunked, Encoder)
{
    std::string out;
    append_chunk(out, "Wiki");
    append_chunk(out, "");
    append_chunk_header(out, 0x1f);
    out += std::string(0x1f, 'p');
    out += chunk_end;
    Fields trailers;
    trailers.add("Expires", "never");
    append_last_chunk(out, &trailers);
    EXPECT_EQ(out, "4\r\nWiki\r\n1f\r\n" + std::string(31, 'p') + "\r\n0\r\nExpires: never\r\n\r\n");
    std::string last;
    append_last_chunk(last);
    EXPECT_EQ(last, "0\r\n\r\n");
    std::string big;
    append_chunk_header(big, 0xffffffffffffffffull);
    EXPECT_EQ(big, "ffffffffffffffff\r\n");
}

TEST(Chunked, EncoderOutputParses)
{
    std::string wire = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    append_chunk(wire, "hello ");
    append_chunk(wire, "world");
    Fields t;
    t.add("X-Sum", "1");
    append_last_chunk(wire, &t);
    RequestParser p;
    p.feed(wire);
    std::string body;
    Event e;
    while ((e = p.next()).kind != EventKind::complete) {
        ASSERT_NE(e.kind, EventKind::error);
        ASSERT_NE(e.kind, EventKind::need_more);
        body.append(e.data);
    }
    EXPECT_EQ(body, "hello world");
    EXPECT_EQ(p.trailers().get("x-sum"), "1");
}
