#include "http/websocket/chat_room.hpp"

#include <gtest/gtest.h>

using namespace layer7::http::websocket;

namespace {
struct FakeMember : ChatRoom::Member {
    std::vector<std::string> got;
    bool accepts = true;
    bool deliver(std::shared_ptr<const std::string> json) override
    {
        if (!accepts)
            return false;
        got.push_back(*json);
        return true;
    }
};
}  // namespace

TEST(WebSocketChatRoom, JoinGivesPresenceAndTellsTheOthers)
{
    ChatRoom room;
    auto alice = std::make_shared<FakeMember>(), bob = std::make_shared<FakeMember>();
    EXPECT_EQ(room.join(alice, "alice"), "alice");
    EXPECT_EQ(alice->got.back(), R"({"type":"presence","you":"alice","online":["alice"]})");
    EXPECT_EQ(room.join(bob, "bob"), "bob");
    EXPECT_EQ(bob->got.back(), R"({"type":"presence","you":"bob","online":["alice","bob"]})");
    EXPECT_EQ(alice->got.back(), R"({"type":"join","name":"bob"})");
}

TEST(WebSocketChatRoom, NamesAreSafeAndUnique)
{
    ChatRoom room;
    auto a = std::make_shared<FakeMember>(), b = std::make_shared<FakeMember>(), c = std::make_shared<FakeMember>();
    EXPECT_EQ(room.join(a, "x"), "x");
    EXPECT_EQ(room.join(b, "x"), "x-2");
    EXPECT_EQ(room.join(c, "<script>"), "guest-1");
}

TEST(WebSocketChatRoom, MessagesFanOutEscaped)
{
    ChatRoom room;
    auto a = std::make_shared<FakeMember>(), b = std::make_shared<FakeMember>();
    room.join(a, "a");
    room.join(b, "b");
    room.say(a.get(), "say \"hi\"\n");
    const std::string expected = R"({"type":"message","from":"a","text":"say \"hi\"\u000a"})";
    EXPECT_EQ(a->got.back(), expected);
    EXPECT_EQ(b->got.back(), expected);
    room.say(b.get(), "/who");
    EXPECT_EQ(b->got.back(), R"({"type":"presence","you":"b","online":["a","b"]})");
    EXPECT_EQ(a->got.back(), expected);  // /who goes to the asker only
}

TEST(WebSocketChatRoom, LeaveIsAnnouncedOnce)
{
    ChatRoom room;
    auto a = std::make_shared<FakeMember>(), b = std::make_shared<FakeMember>();
    room.join(a, "a");
    room.join(b, "b");
    room.leave(b.get());
    room.leave(b.get());
    EXPECT_EQ(a->got.back(), R"({"type":"leave","name":"b"})");
    EXPECT_EQ(room.online(), std::vector<std::string>{"a"});
}

TEST(WebSocketChatRoom, AMemberThatCannotKeepUpIsDropped)
{
    ChatRoom room;
    auto a = std::make_shared<FakeMember>(), slow = std::make_shared<FakeMember>();
    room.join(a, "a");
    room.join(slow, "slow");
    slow->accepts = false;
    room.say(a.get(), "hello");
    EXPECT_EQ(room.online(), std::vector<std::string>{"a"});
    EXPECT_EQ(a->got.back(), R"({"type":"leave","name":"slow"})");
}
