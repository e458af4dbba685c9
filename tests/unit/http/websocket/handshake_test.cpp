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
