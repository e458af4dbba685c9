// Tests for http/h1/serializer: heads round-trip through the parsers; response splitting is refused.
#include "http/h1/serializer.hpp"

#include <gtest/gtest.h>

#include "http/h1/request_parser.hpp"
#include "http/h1/response_parser.hpp"

using namespace layer7::http;
using namespace layer7::http::h1;

TEST(Serializer, StatusLine)
{
    std::string out;
    append_status_line(out, Status::ok);
    append_status_line(out, Status::not_found, {1, 0});
    append_status_line(out, static_cast<Status>(299), {1, 1}, "Custom");
    append_status_line(out, static_cast<Status>(299));
    EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nHTTP/1.0 404 Not Found\r\nHTTP/1.1 299 Custom\r\nHTTP/1.1 299 \r\n");
}

TEST(Serializer, ResponseHead)
{
    Response r;
    r.status = Status::partial_content;
    r.fields.add("Content-Range", "bytes 0-99/1000");
    r.fields.add("Content-Length", "100");
    std::string out = "prefix";
    ASSERT_TRUE(append_response_head(out, r));
    EXPECT_EQ(out,
              "prefixHTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-99/1000\r\n"
              "Content-Length: 100\r\n\r\n");
    ResponseParser p;
    p.feed(out.substr(6));
    ASSERT_EQ(p.next().kind, EventKind::head);
    EXPECT_EQ(p.response().status, Status::partial_content);
    EXPECT_TRUE(p.response().fields == r.fields);
}

TEST(Serializer, RequestHeadRoundTrip)
{
    Request r;
    r.method = *Method::parse("PATCH");
    r.target = "/api/item?id=7";
    r.fields.add("Host", "example.com");
    r.fields.add("Content-Length", "0");
    std::string out;
    ASSERT_TRUE(append_request_head(out, r));
    EXPECT_EQ(out, "PATCH /api/item?id=7 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n");
    RequestParser p;
    p.feed(out);
    ASSERT_EQ(p.next().kind, EventKind::head);
    EXPECT_EQ(p.request().method, r.method);
    EXPECT_EQ(p.request().target, r.target);
    EXPECT_TRUE(p.request().fields == r.fields);
}

TEST(Serializer, RefusesResponseSplitting)
{
    Response r;
    r.fields.add("Location", "/x\r\nSet-Cookie: evil=1");
    std::string out = "keep";
    EXPECT_FALSE(append_response_head(out, r));
    EXPECT_EQ(out, "keep");
    Response mixed;  // lines from add_valid are not checked again; the others still are
    mixed.fields.add_valid("Server", "layer7");
    mixed.fields.add("Location", "/x\r\nSet-Cookie: evil=1");
    EXPECT_FALSE(append_response_head(out, mixed));
    Response bad_name;
    bad_name.fields.add("Bad Name", "x");
    EXPECT_FALSE(append_response_head(out, bad_name));
    Response bad_reason;
    bad_reason.reason = "OK\r\nX: y";
    EXPECT_FALSE(append_response_head(out, bad_reason));
    Request req;
    req.target = "/a b";
    EXPECT_FALSE(append_request_head(out, req));
    req.target = "";
    EXPECT_FALSE(append_request_head(out, req));
    EXPECT_EQ(out, "keep");
    EXPECT_FALSE(valid_field("X", " padded"));
    EXPECT_TRUE(valid_field("X", "a b"));
}
