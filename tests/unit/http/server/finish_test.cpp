// finish_response: the fields every reply gets from the server, and how its body is framed.
#include "http/server/finish.hpp"

#include <gtest/gtest.h>

namespace layer7::http {
namespace {

constexpr std::string_view date = "Thu, 03 Dec 2026 08:00:00 GMT";

Request request(MethodId method, int minor = 1)
{
    Request r;
    r.method = Method(method);
    r.version = Version{1, minor};
    return r;
}

TEST(FinishResponse, AddsServerDateAndLength)
{
    Response r;
    const Request get = request(MethodId::get);
    const Framed f = finish_response(r, Finish{&get, 5, true, date});
    EXPECT_TRUE(f.send_body && f.keep_alive && !f.chunked);
    EXPECT_EQ(r.fields.get("Server"), "layer7");
    EXPECT_EQ(r.fields.get("Date"), date);
    EXPECT_EQ(r.fields.get("Content-Length"), "5");
    EXPECT_FALSE(r.fields.contains("Connection"));
}

TEST(FinishResponse, KeepsWhatARelayedResponseCarries)
{
    Response r;
    r.fields.add("Server", "nginx");
    r.fields.add("Date", "Wed, 02 Dec 2026 00:00:00 GMT");
    r.fields.add("Content-Length", "999");  // the origin's, for a body we now know is 5 bytes
    r.fields.add("Transfer-Encoding", "chunked");
    const Request get = request(MethodId::get);
    finish_response(r, Finish{&get, 5, true, date});
    EXPECT_EQ(r.fields.get("Server"), "nginx");
    EXPECT_EQ(r.fields.get("Date"), "Wed, 02 Dec 2026 00:00:00 GMT");
    EXPECT_EQ(r.fields.combined("Content-Length"), "5");
    EXPECT_FALSE(r.fields.contains("Transfer-Encoding"));
}

TEST(FinishResponse, HeadKeepsTheGetLengthAndSendsNoBody)
{
    Response relayed;
    relayed.fields.add("Content-Length", "1234");
    const Request head = request(MethodId::head);
    EXPECT_FALSE(finish_response(relayed, Finish{&head, 0, true, date}).send_body);
    EXPECT_EQ(relayed.fields.combined("Content-Length"), "1234");
    Response own;
    finish_response(own, Finish{&head, 42, true, date});
    EXPECT_EQ(own.fields.get("Content-Length"), "42");
}

TEST(FinishResponse, UnknownLengthIsChunkedOr10CloseDelimited)
{
    Response r11;
    const Request get11 = request(MethodId::get);
    const Framed f11 = finish_response(r11, Finish{&get11, std::nullopt, true, date});
    EXPECT_TRUE(f11.chunked && f11.keep_alive);
    EXPECT_EQ(r11.fields.get("Transfer-Encoding"), "chunked");
    Response r10;
    const Request get10 = request(MethodId::get, 0);
    const Framed f10 = finish_response(r10, Finish{&get10, std::nullopt, true, date});
    EXPECT_FALSE(f10.chunked || f10.keep_alive);  // the close ends the body
    EXPECT_EQ(r10.fields.get("Connection"), "close");
    Response h2;
    const Framed f2 = finish_response(h2, Finish{&get11, std::nullopt, true, date, true});
    EXPECT_FALSE(f2.chunked || h2.fields.contains("Transfer-Encoding") || h2.fields.contains("Connection"));
}

TEST(FinishResponse, NoContentStatusesAndConnectionFields)
{
    Response r;
    r.status = Status::no_content;
    r.fields.add("Content-Length", "0");
    const Request get = request(MethodId::get);
    EXPECT_FALSE(finish_response(r, Finish{&get, 0, false, date}).send_body);
    EXPECT_FALSE(r.fields.contains("Content-Length"));
    EXPECT_EQ(r.fields.get("Connection"), "close");
    Response keep10;
    const Request get10 = request(MethodId::get, 0);
    finish_response(keep10, Finish{&get10, 1, true, date});
    EXPECT_EQ(keep10.fields.get("Connection"), "keep-alive");
}

}  // namespace
}  // namespace layer7::http
