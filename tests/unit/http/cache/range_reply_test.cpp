// Tests for http/cache/range_reply (RFC 9110 §14 from a stored response, RFC 9111 §3.4).
#include "http/cache/range_reply.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::cache;

namespace {

const std::string body = "0123456789abcdefghij";  // 20 bytes

Response stored()
{
    Response r;
    r.fields.add("ETag", "\"v1\"");
    r.fields.add("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
    r.fields.add("Content-Type", "text/plain");
    r.fields.add("Content-Length", "20");
    return r;
}

Request get(std::initializer_list<std::pair<const char*, const char*>> fields)
{
    Request r;
    for (const auto& [n, v] : fields)
        r.fields.add(n, v);
    return r;
}

}  // namespace

TEST(RangeReply, OneRangeIsA206WithContentRange)
{
    auto r = range_reply(get({{"Range", "bytes=2-5"}}), stored(), body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->response.status, Status::partial_content);
    EXPECT_EQ(r->response.fields.get("Content-Range"), "bytes 2-5/20");
    EXPECT_FALSE(r->response.fields.contains("Content-Length"));
    EXPECT_EQ(r->response.fields.get("ETag"), "\"v1\"");
    EXPECT_EQ(r->body, "2345");
    EXPECT_EQ(range_reply(get({{"Range", "bytes=-3"}}), stored(), body)->body, "hij");
}

TEST(RangeReply, SeveralRangesAreMultipart)
{
    auto r = range_reply(get({{"Range", "bytes=0-1,10-11"}}), stored(), body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->response.status, Status::partial_content);
    EXPECT_EQ(r->response.fields.get("Content-Type"), "multipart/byteranges; boundary=layer7-byteranges-0");
    EXPECT_EQ(r->body,
              "\r\n--layer7-byteranges-0\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/20\r\n\r\n01"
              "\r\n--layer7-byteranges-0\r\nContent-Type: text/plain\r\nContent-Range: bytes 10-11/20\r\n\r\nab"
              "\r\n--layer7-byteranges-0--\r\n");
    // A boundary that occurs in the content is not used.
    auto tricky = range_reply(get({{"Range", "bytes=0-0,-1"}}), stored(), "layer7-byteranges-0!");
    ASSERT_TRUE(tricky);
    EXPECT_EQ(tricky->response.fields.get("Content-Type"), "multipart/byteranges; boundary=layer7-byteranges-1");
}

TEST(RangeReply, UnsatisfiableIs416)
{
    auto r = range_reply(get({{"Range", "bytes=50-60"}}), stored(), body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->response.status, Status::range_not_satisfiable);
    EXPECT_EQ(r->response.fields.get("Content-Range"), "bytes */20");
    EXPECT_TRUE(r->body.empty());
}

TEST(RangeReply, WholeResponseWhenRangeDoesNotApply)
{
    EXPECT_FALSE(range_reply(get({}), stored(), body));
    EXPECT_FALSE(range_reply(get({{"Range", "lines=1-2"}}), stored(), body));
    EXPECT_FALSE(range_reply(get({{"Range", "bytes=5-1"}}), stored(), body));
    Request head = get({{"Range", "bytes=0-1"}});
    head.method = Method(MethodId::head);
    EXPECT_FALSE(range_reply(head, stored(), body));
    Response not_found = stored();
    not_found.status = Status::not_found;
    EXPECT_FALSE(range_reply(get({{"Range", "bytes=0-1"}}), not_found, body));
}

TEST(RangeReply, IfRangeSelectsOrSendsWhole)
{
    EXPECT_TRUE(range_reply(get({{"Range", "bytes=0-1"}, {"If-Range", "\"v1\""}}), stored(), body));
    EXPECT_FALSE(range_reply(get({{"Range", "bytes=0-1"}, {"If-Range", "\"v0\""}}), stored(), body));
    EXPECT_TRUE(
        range_reply(get({{"Range", "bytes=0-1"}, {"If-Range", "Sun, 06 Nov 1994 08:49:37 GMT"}}), stored(), body));
    EXPECT_FALSE(
        range_reply(get({{"Range", "bytes=0-1"}, {"If-Range", "Sun, 06 Nov 1994 08:49:38 GMT"}}), stored(), body));
}
