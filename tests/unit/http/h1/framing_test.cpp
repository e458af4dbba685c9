// Tests for http/h1/framing (RFC 9112 §6.3 items 1–8).
#include "http/h1/framing.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::h1;

namespace {

Request request(std::initializer_list<std::pair<const char*, const char*>> fields, Version v = {})
{
    Request r;
    r.version = v;
    r.fields.add("Host", "a");
    for (auto [n, val] : fields)
        r.fields.add(n, val);
    return r;
}

Response response(int status, std::initializer_list<std::pair<const char*, const char*>> fields)
{
    Response r;
    r.status = static_cast<Status>(status);
    for (auto [n, val] : fields)
        r.fields.add(n, val);
    return r;
}

}  // namespace

TEST(Framing, ContentLengthParsing)
{
    Fields f;
    std::optional<std::uint64_t> len;
    EXPECT_FALSE(parse_content_length(f, len));
    EXPECT_FALSE(len);
    f.add("Content-Length", "0");
    EXPECT_FALSE(parse_content_length(f, len));
    EXPECT_EQ(len, 0u);
    f.set("Content-Length", "999999999999999999");  // 18 digits: the most we accept
    EXPECT_FALSE(parse_content_length(f, len));
    EXPECT_EQ(len, 999999999999999999u);
    f.set("Content-Length", "-1");
    EXPECT_EQ(parse_content_length(f, len), Error::bad_content_length);
}

TEST(Framing, Requests)
{
    Framing fr;
    EXPECT_FALSE(request_framing(request({}), fr));
    EXPECT_EQ(fr.kind, BodyKind::none);
    EXPECT_FALSE(request_framing(request({{"Content-Length", "0"}}), fr));
    EXPECT_EQ(fr.kind, BodyKind::none);
    EXPECT_FALSE(request_framing(request({{"Content-Length", "7"}}), fr));
    EXPECT_EQ(fr.kind, BodyKind::length);
    EXPECT_EQ(fr.length, 7u);
    EXPECT_FALSE(request_framing(request({{"Transfer-Encoding", "Chunked"}}), fr));
    EXPECT_EQ(fr.kind, BodyKind::chunked);
    EXPECT_FALSE(request_framing(request({{"Transfer-Encoding", ""}, {"Transfer-Encoding", "chunked"}}), fr));
    EXPECT_EQ(fr.kind, BodyKind::chunked);
}

TEST(Framing, Responses)
{
    Framing fr;
    Method get, head(MethodId::head), connect(MethodId::connect);
    EXPECT_FALSE(response_framing(response(200, {}), get, fr));
    EXPECT_EQ(fr.kind, BodyKind::until_close);
    EXPECT_FALSE(response_framing(response(200, {{"Content-Length", "3"}}), head, fr));
    EXPECT_EQ(fr.kind, BodyKind::none);
    EXPECT_FALSE(response_framing(response(101, {}), get, fr));
    EXPECT_EQ(fr.kind, BodyKind::tunnel);
    EXPECT_FALSE(response_framing(response(204, {}), connect, fr));
    EXPECT_EQ(fr.kind, BodyKind::tunnel);
    EXPECT_FALSE(response_framing(response(502, {}), connect, fr));
    EXPECT_EQ(fr.kind, BodyKind::until_close);
    EXPECT_FALSE(response_framing(response(304, {{"Content-Length", "3"}}), get, fr));
    EXPECT_EQ(fr.kind, BodyKind::none);
    EXPECT_FALSE(response_framing(response(200, {{"Transfer-Encoding", "gzip, chunked"}}), get, fr));
    EXPECT_EQ(fr.kind, BodyKind::chunked);
}
