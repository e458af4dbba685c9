#include "http/websocket/handshake.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::websocket;

namespace {
Request upgrade_request()
{
    Request r;
    r.method = MethodId::get;
    r.target = "/chat";
    r.fields.add("Host", "server.example.com");
    r.fields.add("Upgrade", "websocket");
    r.fields.add("Connection", "keep-alive, Upgrade");
    r.fields.add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    r.fields.add("Sec-WebSocket-Version", "13");
    return r;
}
}  // namespace

TEST(WebSocketHandshake, AcceptKeyFromTheRfc)
{
    EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");  // §1.3
}

TEST(WebSocketHandshake, AcceptsAValidRequest)
{
    Request r = upgrade_request();
    r.fields.add("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
    auto outcome = accept_upgrade(r, {});
    ASSERT_TRUE(std::holds_alternative<Accepted>(outcome));
    const Accepted& a = std::get<Accepted>(outcome);
    EXPECT_EQ(a.response.status, Status::switching_protocols);
    EXPECT_EQ(a.response.fields.get("Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    EXPECT_EQ(a.response.fields.get("Sec-WebSocket-Extensions"), "permessage-deflate");
    ASSERT_TRUE(a.deflate);
    auto checked = check_upgrade_response(a.response, "dGhlIHNhbXBsZSBub25jZQ==");
    ASSERT_TRUE(checked);
    EXPECT_TRUE(checked.value());
}

TEST(WebSocketHandshake, RefusesBadRequests)
{
    auto status_of = [](const Request& r) {
        auto outcome = accept_upgrade(r, {});
        return std::holds_alternative<Reply>(outcome) ? std::get<Reply>(outcome).response.status
                                                      : Status::switching_protocols;
    };
    Request r = upgrade_request();
    r.fields.set("Sec-WebSocket-Version", "8");
    EXPECT_EQ(status_of(r), Status::upgrade_required);
    auto refused = std::get<Reply>(accept_upgrade(r, {}));
    EXPECT_EQ(refused.response.fields.get("Sec-WebSocket-Version"), "13");
    r = upgrade_request();
    r.fields.erase("Upgrade");
    EXPECT_EQ(status_of(r), Status::upgrade_required);
    r = upgrade_request();
    r.fields.set("Sec-WebSocket-Key", "c2hvcnQ=");
    EXPECT_EQ(status_of(r), Status::bad_request);
    r = upgrade_request();
    r.fields.erase("Sec-WebSocket-Key");
    EXPECT_EQ(status_of(r), Status::bad_request);
    r = upgrade_request();
    r.method = MethodId::post;
    EXPECT_EQ(status_of(r), Status::method_not_allowed);
    r = upgrade_request();
    r.version = {1, 0};
    EXPECT_EQ(status_of(r), Status::bad_request);
}

// RFC 8441 §4-5: over HTTP/2 the request is an extended CONNECT, without key or Upgrade fields,
// and the answer a 200 without Sec-WebSocket-Accept.
TEST(WebSocketHandshake, AcceptsAnExtendedConnectOverHttp2)
{
    Request r;
    r.method = MethodId::connect;
    r.protocol = "websocket";
    r.target = "/chat";
    r.version = {2, 0};
    r.fields.add("sec-websocket-version", "13");
    r.fields.add("sec-websocket-extensions", "permessage-deflate");
    auto outcome = accept_upgrade(r, {});
    ASSERT_TRUE(std::holds_alternative<Accepted>(outcome));
    const Accepted& a = std::get<Accepted>(outcome);
    EXPECT_EQ(a.response.status, Status::ok);
    EXPECT_FALSE(a.response.fields.contains("Sec-WebSocket-Accept"));
    EXPECT_FALSE(a.response.fields.contains("Upgrade"));
    EXPECT_EQ(a.response.fields.get("Sec-WebSocket-Extensions"), "permessage-deflate");
    EXPECT_TRUE(a.deflate);

    r.protocol = "webtransport";
    EXPECT_EQ(std::get<Reply>(accept_upgrade(r, {})).response.status, Status::bad_request);
    r.protocol = "websocket";
    r.fields.set("sec-websocket-version", "12");
    EXPECT_EQ(std::get<Reply>(accept_upgrade(r, {})).response.status, Status::upgrade_required);
    r.protocol.clear();  // a plain CONNECT is a tunnel request, not a WebSocket
    EXPECT_EQ(std::get<Reply>(accept_upgrade(r, {})).response.status, Status::method_not_allowed);
}

TEST(WebSocketHandshake, ClientRefusesABadAnswer)
{
    Response ok = std::get<Accepted>(accept_upgrade(upgrade_request(), {})).response;
    EXPECT_TRUE(check_upgrade_response(ok, "dGhlIHNhbXBsZSBub25jZQ=="));
    EXPECT_FALSE(check_upgrade_response(ok, "AAAAAAAAAAAAAAAAAAAAAA=="));
    Response bad = ok;
    bad.status = Status::ok;
    EXPECT_FALSE(check_upgrade_response(bad, "dGhlIHNhbXBsZSBub25jZQ=="));
    bad = ok;
    bad.fields.add("Sec-WebSocket-Extensions", "x-foo");
    EXPECT_FALSE(check_upgrade_response(bad, "dGhlIHNhbXBsZSBub25jZQ=="));
}
