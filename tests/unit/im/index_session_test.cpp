// The index session and directory, without sockets: several sessions on one Directory, each
// client's received lines collected as the shell would deliver them (replies and pushes in order).
#include "im/index_session.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "im/index_codec.hpp"

namespace layer7::im {
namespace {

// Lines of `wire` without CRLF.
std::vector<std::string> lines_of(const std::string& wire)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t end; (end = wire.find("\r\n", start)) != std::string::npos; start = end + 2)
        out.push_back(wire.substr(start, end - start));
    EXPECT_EQ(start, wire.size()) << "a line without CRLF: " << wire;
    return out;
}

class Index {
public:
    explicit Index(std::size_t max_users = 100) : directory(max_users) {}

    // A new connection from `host`: returns its id; the greeting is in its inbox.
    SessionId connect(const std::string& host = "127.0.0.1")
    {
        const SessionId id = next++;
        sessions.emplace(id, std::make_unique<IndexSession>(directory, id, policy, host));
        inbox[id] = lines_of(sessions[id]->greeting());
        return id;
    }
    // `line` from session `id`'s client; returns what that client receives now.
    std::vector<std::string> say(SessionId id, std::string_view line)
    {
        inbox[id].clear();
        deliver(id, sessions.at(id)->on_line(line));
        return inbox[id];
    }
    void end(SessionId id) { deliver(id, sessions.at(id)->on_end()); }
    void deliver(SessionId id, IndexStep step)
    {
        closed[id] = step.close;
        for (auto& l : lines_of(step.wire))
            inbox[id].push_back(l);
        for (auto& d : step.pushes)
            for (auto& l : lines_of(d.line))
                inbox[d.to].push_back(l);
    }
    // Registered and greeted, inbox cleared.
    SessionId online(const std::string& name, const std::string& address)
    {
        const SessionId id = connect();
        EXPECT_EQ(say(id, "REGISTER " + name + " " + address),
                  std::vector<std::string>{"250 " + name + " registered at " + address});
        inbox[id].clear();
        return id;
    }

    IndexPolicy policy;
    Directory directory;
    std::map<SessionId, std::unique_ptr<IndexSession>> sessions;
    std::map<SessionId, std::vector<std::string>> inbox;
    std::map<SessionId, bool> closed;
    SessionId next = 1;
};

using Lines = std::vector<std::string>;

TEST(ImIndexSession, TheTwoBuddiesDialogue)
{
    Index index;
    const SessionId alice = index.connect();
    EXPECT_EQ(index.inbox[alice], Lines{"220 layer7 IM index ready"});
    EXPECT_EQ(index.say(alice, "REGISTER Alice 127.0.0.1:40001"), Lines{"250 alice registered at 127.0.0.1:40001"});
    EXPECT_EQ(index.say(alice, "WATCH bob carol"), (Lines{"* OFFLINE bob", "* OFFLINE carol", "250 watching 2"}));
    index.inbox[alice].clear();

    const SessionId bob = index.connect();
    EXPECT_EQ(index.say(bob, "REGISTER bob 127.0.0.1:40002"), Lines{"250 bob registered at 127.0.0.1:40002"});
    EXPECT_EQ(index.inbox[alice], Lines{"* ONLINE bob 127.0.0.1:40002"});  // pushed to the watcher
    EXPECT_EQ(index.say(bob, "watch alice"), (Lines{"* ONLINE alice 127.0.0.1:40001", "250 watching 1"}));
    EXPECT_EQ(index.say(bob, "LOOKUP alice"), Lines{"250 alice 127.0.0.1:40001"});
    EXPECT_EQ(index.say(bob, "LOOKUP carol"), Lines{"450 carol is not online"});
    EXPECT_EQ(index.say(bob, "WHO"),
              (Lines{"* USER alice 127.0.0.1:40001", "* USER bob 127.0.0.1:40002", "250 2 online"}));
    EXPECT_EQ(index.say(bob, "PING"), Lines{"250 pong"});

    index.inbox[alice].clear();
    EXPECT_EQ(index.say(bob, "QUIT"), Lines{"221 bye"});
    EXPECT_TRUE(index.closed[bob]);
    index.end(bob);
    EXPECT_EQ(index.inbox[alice], Lines{"* OFFLINE bob"});
    EXPECT_EQ(index.directory.size(), 1u);
}

TEST(ImIndexSession, PresenceGoesOnlyToWatchers)
{
    Index index;
    const SessionId alice = index.online("alice", "127.0.0.1:1");
    const SessionId dave = index.online("dave", "127.0.0.1:4");
    index.say(alice, "WATCH bob");
    index.inbox[alice].clear();
    const SessionId bob = index.online("bob", "127.0.0.1:2");
    EXPECT_EQ(index.inbox[alice], Lines{"* ONLINE bob 127.0.0.1:2"});
    EXPECT_TRUE(index.inbox[dave].empty());
    index.end(bob);
    EXPECT_EQ(index.inbox[alice], (Lines{"* ONLINE bob 127.0.0.1:2", "* OFFLINE bob"}));
    EXPECT_TRUE(index.inbox[dave].empty());
}

TEST(ImIndexSession, AWatcherThatLeavesGetsNoMorePushes)
{
    Index index;
    const SessionId alice = index.online("alice", "127.0.0.1:1");
    index.say(alice, "WATCH bob");
    index.end(alice);
    index.inbox[alice].clear();
    const SessionId bob = index.online("bob", "127.0.0.1:2");
    index.end(bob);
    EXPECT_TRUE(index.inbox[alice].empty());
}

TEST(ImIndexSession, ANameHeldByALiveSessionIsRefusedThenFreed)
{
    Index index;
    const SessionId first = index.online("alice", "127.0.0.1:1");
    const SessionId second = index.connect();
    EXPECT_EQ(index.say(second, "REGISTER ALICE 127.0.0.1:9"), Lines{"550 alice is in use by a live session"});
    EXPECT_EQ(*index.directory.lookup("alice"), "127.0.0.1:1");
    index.end(first);
    EXPECT_EQ(index.say(second, "REGISTER alice 127.0.0.1:9"), Lines{"250 alice registered at 127.0.0.1:9"});
    EXPECT_EQ(index.say(second, "REGISTER alice 127.0.0.1:9"), Lines{"503 registered already as alice"});
}

TEST(ImIndexSession, BadInputGetsTheProtocolsErrors)
{
    Index index;
    const SessionId s = index.connect();
    EXPECT_EQ(index.say(s, "WATCH bob"), Lines{"503 REGISTER first"});
    EXPECT_EQ(index.say(s, "LOOKUP bob"), Lines{"503 REGISTER first"});
    EXPECT_EQ(index.say(s, "FROB"), Lines{"500 unknown command"});
    EXPECT_EQ(index.say(s, ""), Lines{"500 unknown command"});
    EXPECT_EQ(index.say(s, "REGISTER"), Lines{"501 usage: REGISTER name host:port"});
    EXPECT_EQ(index.say(s, "REGISTER al\x1b[1mice 127.0.0.1:1")[0].substr(0, 12), "501 bad name");
    EXPECT_EQ(index.say(s, "REGISTER " + std::string(max_name + 1, 'a') + " 127.0.0.1:1")[0].substr(0, 12),
              "501 bad name");
    EXPECT_EQ(index.say(s, "REGISTER alice 127.0.0.1")[0].substr(0, 15), "501 bad address");
    EXPECT_EQ(index.say(s, "REGISTER alice 127.0.0.1:0")[0].substr(0, 15), "501 bad address");
    EXPECT_FALSE(index.closed[s]);
    EXPECT_EQ(index.directory.size(), 0u);
}

TEST(ImIndexSession, TheIndexRelaysNoChat)
{
    Index index;
    const SessionId alice = index.online("alice", "127.0.0.1:1");
    const SessionId bob = index.online("bob", "127.0.0.1:2");
    for (std::string_view attempt : {"MSG bob hello", "SEND bob hello", "CHAT bob", "RELAY bob hello", "msg bob hi"}) {
        const auto got = index.say(alice, attempt);
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(got[0].substr(0, 4), "502 ") << attempt;
    }
    EXPECT_TRUE(index.inbox[bob].empty());  // nothing reached the buddy
}

TEST(ImIndexSession, TooManyErrorsClose)
{
    Index index;
    index.policy.max_errors = 3;
    const SessionId s = index.connect();
    index.say(s, "X");
    index.say(s, "X");
    EXPECT_FALSE(index.closed[s]);
    EXPECT_EQ(index.say(s, "X"), (Lines{"500 unknown command", "421 too many errors, closing"}));
    EXPECT_TRUE(index.closed[s]);
}

TEST(ImIndexSession, LineTooLong)
{
    Index index;
    const SessionId s = index.connect();
    index.inbox[s].clear();
    index.deliver(s, index.sessions[s]->on_line_too_long());
    EXPECT_EQ(index.inbox[s], Lines{"500 line too long"});
    EXPECT_FALSE(index.closed[s]);
}

TEST(ImIndexSession, AnUnspecifiedHostIsWhereTheClientConnectsFrom)
{
    Index index;
    const SessionId s = index.connect("192.0.2.7");
    EXPECT_EQ(index.say(s, "REGISTER alice 0.0.0.0:4000"), Lines{"250 alice registered at 192.0.2.7:4000"});
    const SessionId t = index.connect("2001:db8::1");
    EXPECT_EQ(index.say(t, "REGISTER bob [::]:4000"), Lines{"250 bob registered at [2001:db8::1]:4000"});
}

TEST(ImIndexSession, WatchLimitAtTheEdge)
{
    Index index;
    index.policy.max_watch = 2;
    const SessionId s = index.online("alice", "127.0.0.1:1");
    EXPECT_EQ(index.say(s, "WATCH a b").back(), "250 watching 2");
    EXPECT_EQ(index.say(s, "WATCH a").back(), "250 watching 1");  // watched already: no new slot
    EXPECT_EQ(index.say(s, "WATCH c").back(), "452 watching too many names (at most 2)");
    EXPECT_EQ(index.say(s, "WATCH b#").back().substr(0, 12), "501 bad name");
}

TEST(ImIndexSession, TheDirectoryCanBeFull)
{
    Index index(1);
    index.online("alice", "127.0.0.1:1");
    const SessionId s = index.connect();
    EXPECT_EQ(index.say(s, "REGISTER bob 127.0.0.1:2"), Lines{"452 the index is full"});
}

TEST(ImIndexSession, WhoIsBounded)
{
    Index index;
    index.policy.max_who = 2;
    const SessionId s = index.online("a", "127.0.0.1:1");
    index.online("b", "127.0.0.1:2");
    index.online("c", "127.0.0.1:3");
    EXPECT_EQ(index.say(s, "WHO"),
              (Lines{"* USER a 127.0.0.1:1", "* USER b 127.0.0.1:2", "250 3 online (the first 2 listed)"}));
}

TEST(ImIndexSession, EndIsIdempotentAndSilencesTheSession)
{
    Index index;
    const SessionId s = index.online("alice", "127.0.0.1:1");
    index.end(s);
    index.end(s);
    EXPECT_EQ(index.directory.size(), 0u);
    EXPECT_TRUE(index.say(s, "WHO").empty());
    EXPECT_TRUE(index.closed[s]);
    index.inbox[s].clear();
    index.deliver(s, index.sessions[s]->on_line_too_long());  // found by fuzzing: it answered
    EXPECT_TRUE(index.inbox[s].empty());
    EXPECT_TRUE(index.closed[s]);
}

}  // namespace
}  // namespace layer7::im
