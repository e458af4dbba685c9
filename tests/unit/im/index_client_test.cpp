// The client's side of the index protocol: commands built, replies paired with them in order.
#include "im/index_client.hpp"

#include <gtest/gtest.h>

namespace layer7::im {
namespace {

using Kind = IndexEvent::Kind;

TEST(ImIndexClient, ADialogue)
{
    IndexClient c;
    EXPECT_EQ(c.on_line("220 layer7 IM index ready").kind, Kind::ready);
    EXPECT_EQ(c.register_as("alice", "127.0.0.1:40001"), "REGISTER alice 127.0.0.1:40001\r\n");
    EXPECT_EQ(c.watch({"bob", "carol"}), "WATCH bob carol\r\n");
    EXPECT_EQ(c.lookup("bob"), "LOOKUP bob\r\n");
    EXPECT_EQ(c.lookup("carol"), "LOOKUP carol\r\n");
    EXPECT_EQ(c.who(), "WHO\r\n");
    EXPECT_EQ(c.ping(), "PING\r\n");
    EXPECT_EQ(c.pending(), 6u);

    EXPECT_EQ(c.on_line("250 alice registered at 127.0.0.1:40001").kind, Kind::registered);
    auto e = c.on_line("* ONLINE bob 127.0.0.1:40002");
    EXPECT_EQ(e.kind, Kind::online);
    EXPECT_EQ(e.name, "bob");
    EXPECT_EQ(e.address, "127.0.0.1:40002");
    EXPECT_EQ(c.on_line("* OFFLINE carol").kind, Kind::offline);
    e = c.on_line("250 watching 2");
    EXPECT_EQ(e.kind, Kind::done);
    EXPECT_EQ(e.answers, "WATCH");
    e = c.on_line("250 bob 127.0.0.1:40002");
    EXPECT_EQ(e.kind, Kind::found);
    EXPECT_EQ(e.name, "bob");
    EXPECT_EQ(e.address, "127.0.0.1:40002");
    e = c.on_line("450 carol is not online");
    EXPECT_EQ(e.kind, Kind::not_found);
    EXPECT_EQ(e.name, "carol");
    EXPECT_EQ(c.on_line("* USER alice 127.0.0.1:40001").kind, Kind::user);
    e = c.on_line("250 2 online");
    EXPECT_EQ(e.kind, Kind::done);
    EXPECT_EQ(e.answers, "WHO");
    EXPECT_EQ(c.on_line("250 pong").answers, "PING");
    EXPECT_EQ(c.pending(), 0u);
    c.quit();
    EXPECT_EQ(c.on_line("221 bye").kind, Kind::bye);
}

TEST(ImIndexClient, RefusalsAndErrors)
{
    IndexClient c;
    c.on_line("220 hi");
    c.register_as("alice", "127.0.0.1:1");
    auto e = c.on_line("550 alice is in use by a live session");
    EXPECT_EQ(e.kind, Kind::refused);
    EXPECT_EQ(e.code, 550);
    c.who();
    EXPECT_EQ(c.on_line("503 REGISTER first").kind, Kind::error);
    EXPECT_EQ(c.on_line("421 index shutting down, closing").kind, Kind::closing);
}

TEST(ImIndexClient, Garbage)
{
    IndexClient c;
    EXPECT_EQ(c.on_line("250 no greeting yet").kind, Kind::garbage);
    EXPECT_EQ(c.on_line("220 hi").kind, Kind::ready);
    EXPECT_EQ(c.on_line("250 an answer to nothing").kind, Kind::garbage);
    EXPECT_EQ(c.on_line("hello?").kind, Kind::garbage);
    c.lookup("bob");
    EXPECT_EQ(c.on_line("250 bob not-an-address").kind, Kind::garbage);
}

TEST(ImIndexClient, AGreetingThatIsNot220)
{
    IndexClient c;
    EXPECT_EQ(c.on_line("421 too many connections").kind, Kind::closing);
}

}  // namespace
}  // namespace layer7::im
