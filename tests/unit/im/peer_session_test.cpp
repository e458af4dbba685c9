// The peer protocol: two PeerSessions wired back to back, and each side fed garbage.
#include "im/peer_session.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace layer7::im {
namespace {

using Kind = PeerEvent::Kind;

// Lines of `wire` without CRLF.
std::vector<std::string> lines_of(const std::string& wire)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t end; (end = wire.find("\r\n", start)) != std::string::npos; start = end + 2)
        out.push_back(wire.substr(start, end - start));
    return out;
}

// Feeds every line of `wire` to `to`; the steps it returns.
std::vector<PeerStep> feed(PeerSession& to, const std::string& wire)
{
    std::vector<PeerStep> out;
    for (const auto& line : lines_of(wire))
        out.push_back(to.on_line(line));
    return out;
}

TEST(ImPeerSession, HelloThenMessagesBothWaysThenBye)
{
    PeerSession alice(PeerSession::Role::caller, "alice", "bob");
    PeerSession bob(PeerSession::Role::callee, "bob");
    EXPECT_EQ(alice.greeting(), "");
    EXPECT_EQ(bob.greeting(), "220 bob layer7 IM peer\r\n");
    EXPECT_EQ(alice.message("too early"), "");

    auto a = feed(alice, bob.greeting());
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].wire, "HELLO alice\r\n");
    auto b = feed(bob, a[0].wire);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].wire, "250 hello alice\r\n");
    ASSERT_EQ(b[0].events.size(), 1u);
    EXPECT_EQ(b[0].events[0].kind, Kind::established);
    EXPECT_TRUE(bob.established());
    EXPECT_EQ(bob.buddy(), "alice");
    a = feed(alice, b[0].wire);
    ASSERT_EQ(a[0].events.size(), 1u);
    EXPECT_EQ(a[0].events[0].kind, Kind::established);
    EXPECT_TRUE(alice.established());

    b = feed(bob, alice.message("hi bob, ça va?"));
    ASSERT_EQ(b[0].events.size(), 1u);
    EXPECT_EQ(b[0].events[0].kind, Kind::message);
    EXPECT_EQ(b[0].events[0].text, "hi bob, ça va?");
    EXPECT_TRUE(b[0].wire.empty());  // messages are not answered
    a = feed(alice, bob.message("hi alice"));
    EXPECT_EQ(a[0].events[0].text, "hi alice");
    a = feed(alice, "BYE\r\n");
    EXPECT_TRUE(a[0].close);
    EXPECT_TRUE(a[0].error.empty());
    EXPECT_EQ(a[0].events[0].kind, Kind::bye);
}

TEST(ImPeerSession, TheCallerChecksWhoAnswers)
{
    PeerSession alice(PeerSession::Role::caller, "alice", "bob");
    auto step = alice.on_line("220 mallory layer7 IM peer");
    EXPECT_TRUE(step.close);
    EXPECT_EQ(step.wire, "BYE\r\n");
    EXPECT_NE(step.error.find("mallory"), std::string::npos);
    EXPECT_FALSE(alice.established());
}

TEST(ImPeerSession, ARefusedHello)
{
    PeerSession alice(PeerSession::Role::caller, "alice", "bob");
    alice.on_line("220 bob layer7 IM peer");
    auto step = alice.on_line("550 go away");
    EXPECT_TRUE(step.close);
    EXPECT_FALSE(alice.established());
}

TEST(ImPeerSession, GarbageIsDropped)
{
    struct Case {
        PeerSession::Role role;
        std::vector<std::string> before;  // lines that are fine
        std::string bad;
    };
    const std::vector<Case> cases = {
        {PeerSession::Role::callee, {}, "GET / HTTP/1.1"},
        {PeerSession::Role::callee, {}, "MSG hi before hello"},
        {PeerSession::Role::callee, {}, "HELLO"},
        {PeerSession::Role::callee, {}, "HELLO bad*name"},
        {PeerSession::Role::callee, {}, std::string("\0\x01\x02\xff", 4)},
        {PeerSession::Role::callee, {"HELLO alice"}, "HELLO again"},
        {PeerSession::Role::callee, {"HELLO alice"}, "MSG \x1b]0;owned\x07"},
        {PeerSession::Role::callee, {"HELLO alice"}, std::string("MSG a\0b", 7)},
        {PeerSession::Role::callee, {"HELLO alice"}, "250 ok?"},
        {PeerSession::Role::caller, {}, "hello there"},
        {PeerSession::Role::caller, {}, "220"},
        {PeerSession::Role::caller, {"220 bob layer7 IM peer"}, "MSG early"},
        {PeerSession::Role::caller, {"220 bob layer7 IM peer", "250 hello alice"}, "PING"},
    };
    for (const auto& c : cases) {
        PeerSession s(c.role, c.role == PeerSession::Role::caller ? "alice" : "bob", "bob");
        for (const auto& line : c.before)
            ASSERT_FALSE(s.on_line(line).close) << line;
        auto step = s.on_line(c.bad);
        EXPECT_TRUE(step.close) << c.bad;
        EXPECT_EQ(step.wire, "554 protocol error\r\n") << c.bad;
        EXPECT_FALSE(step.error.empty());
        // Closed: silent from now on.
        auto after = s.on_line("MSG more");
        EXPECT_TRUE(after.close);
        EXPECT_TRUE(after.wire.empty());
        EXPECT_TRUE(after.events.empty());
    }
}

TEST(ImPeerSession, ALineTooLongIsGarbage)
{
    PeerSession bob(PeerSession::Role::callee, "bob");
    bob.on_line("HELLO alice");
    auto step = bob.on_line_too_long();
    EXPECT_TRUE(step.close);
    EXPECT_EQ(step.wire, "554 protocol error\r\n");
}

TEST(ImPeerSession, ByeBeforeHello)
{
    PeerSession bob(PeerSession::Role::callee, "bob");
    auto step = bob.on_line("BYE");
    EXPECT_TRUE(step.close);
    EXPECT_TRUE(step.error.empty());
    EXPECT_TRUE(step.wire.empty());
}

TEST(ImPeerSession, OutgoingTextIsCleaned)
{
    PeerSession alice(PeerSession::Role::caller, "alice", "bob");
    alice.on_line("220 bob layer7 IM peer");
    alice.on_line("250 hello alice");
    EXPECT_EQ(alice.message("a\r\nBYE"), "MSG a  BYE\r\n");
    EXPECT_EQ(alice.message(""), "MSG \r\n");
}

}  // namespace
}  // namespace layer7::im
