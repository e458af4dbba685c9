// Tests for http/h1/connection: persistence (RFC 9112 §9.3), Expect (RFC 9110 §10.1.1), Upgrade.
#include "http/h1/connection.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::h1;

static Request req(Version v, std::initializer_list<std::pair<const char*, const char*>> fields)
{
    Request r;
    r.version = v;
    for (auto [n, val] : fields)
        r.fields.add(n, val);
    return r;
}

TEST(Connection, KeepAlive)
{
    EXPECT_TRUE(keep_alive(req({1, 1}, {})));
    EXPECT_FALSE(keep_alive(req({1, 1}, {{"Connection", "close"}})));
    EXPECT_FALSE(keep_alive(req({1, 1}, {{"Connection", "Upgrade, CLOSE"}})));
    EXPECT_FALSE(keep_alive(req({1, 0}, {})));
    EXPECT_TRUE(keep_alive(req({1, 0}, {{"Connection", "Keep-Alive"}})));
    EXPECT_FALSE(keep_alive(req({1, 0}, {{"Connection", "keep-alive"}, {"Connection", "close"}})));
    Response r;
    r.fields.add("Connection", "close");
    EXPECT_FALSE(keep_alive(r));
}

TEST(Connection, Expectation)
{
    EXPECT_EQ(expectation(req({1, 1}, {})), Expectation::none);
    EXPECT_EQ(expectation(req({1, 1}, {{"Expect", "100-Continue"}})), Expectation::continue_);
    EXPECT_EQ(expectation(req({1, 0}, {{"Expect", "100-continue"}})), Expectation::none);
    EXPECT_EQ(expectation(req({1, 1}, {{"Expect", "200-ok"}})), Expectation::unsupported);
}

TEST(Connection, Upgrade)
{
    auto r = req({1, 1}, {{"Connection", "Upgrade, HTTP2-Settings"}, {"Upgrade", "h2c"}});
    EXPECT_TRUE(wants_upgrade(r, "h2c"));
    EXPECT_FALSE(wants_upgrade(r, "websocket"));
    EXPECT_TRUE(wants_upgrade(req({1, 1}, {{"Connection", "upgrade"}, {"Upgrade", "foo/2, WebSocket"}}), "websocket"));
    EXPECT_FALSE(wants_upgrade(req({1, 1}, {{"Upgrade", "h2c"}}), "h2c"));  // needs Connection: upgrade
}
