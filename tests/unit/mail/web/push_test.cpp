// Push streams' caps (the newest replaces the oldest of a session or user; over the total,
// refused), the Server-Sent Events framing and the folder stamp.
#include "mail/web/push.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::web {
namespace {

PushLimits limits(std::size_t per_session, std::size_t per_user, std::size_t total)
{
    PushLimits l;
    l.per_session = per_session;
    l.per_user = per_user;
    l.total = total;
    return l;
}

TEST(PushRegistry, PerSessionTheNewestReplacesTheOldest)
{
    PushRegistry r(limits(2, 10, 10));
    auto a = r.open("s1", "bob");
    auto b = r.open("s1", "bob");  // limit − 1 → limit
    ASSERT_TRUE(a.ok && b.ok);
    EXPECT_TRUE(a.replaced.empty() && b.replaced.empty());
    auto c = r.open("s1", "bob");  // limit + 1: the oldest goes
    ASSERT_TRUE(c.ok);
    EXPECT_EQ(c.replaced, std::vector<std::uint64_t>{a.id});
    EXPECT_EQ(r.size(), 2u);
    auto other = r.open("s2", "bob");  // another session of the same user has its own count
    EXPECT_TRUE(other.ok && other.replaced.empty());
    r.close(a.id);  // a replaced stream closing later changes nothing
    EXPECT_EQ(r.size(), 3u);
}

TEST(PushRegistry, PerUserAcrossSessions)
{
    PushRegistry r(limits(5, 3, 10));
    auto a = r.open("s1", "bob");
    auto b = r.open("s2", "bob");
    auto c = r.open("s3", "bob");
    auto alice = r.open("s4", "alice");
    auto d = r.open("s3", "bob");
    ASSERT_TRUE(a.ok && b.ok && c.ok && alice.ok && d.ok);
    EXPECT_EQ(d.replaced, std::vector<std::uint64_t>{a.id});  // bob's oldest, never alice's
    EXPECT_EQ(r.size(), 4u);
}

TEST(PushRegistry, OverTheTotalIsRefusedAndReplacesNothing)
{
    PushRegistry r(limits(4, 4, 3));
    auto a = r.open("s1", "bob");
    auto b = r.open("s2", "carol");
    auto c = r.open("s3", "dave");  // the total, reached
    ASSERT_TRUE(a.ok && b.ok && c.ok);
    auto d = r.open("s4", "erin");
    EXPECT_FALSE(d.ok);
    EXPECT_TRUE(d.replaced.empty());
    EXPECT_EQ(r.size(), 3u);
    r.close(b.id);
    EXPECT_TRUE(r.open("s4", "erin").ok);
}

TEST(PushRegistry, AFullSessionMakesItsOwnRoomEvenAtTheTotal)
{
    PushRegistry r(limits(1, 4, 2));
    auto a = r.open("s1", "bob");
    auto b = r.open("s2", "carol");
    auto c = r.open("s1", "bob");
    ASSERT_TRUE(c.ok);
    EXPECT_EQ(c.replaced, std::vector<std::uint64_t>{a.id});
    EXPECT_NE(c.id, a.id);
    (void)b;
}

TEST(PushRegistry, ZeroTotalRefusesEveryStream)
{
    PushRegistry r(limits(4, 4, 0));
    EXPECT_FALSE(r.open("s1", "bob").ok);
}

TEST(SseEvent, OneDataLinePerLine)
{
    EXPECT_EQ(sse_event("state", "{\"a\":1}"), "event: state\ndata: {\"a\":1}\n\n");
    EXPECT_EQ(sse_event("x", "a\nb\r\nc\rd"), "event: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    EXPECT_EQ(sse_event("bye", ""), "event: bye\ndata: \n\n");
}

TEST(FolderStamp, MovesWithEveryPiece)
{
    const auto stamp = [](std::uint64_t uid, std::string_view flags) {
        FolderStamp s;
        s.add(1);
        s.add(uid);
        s.add(flags);
        return s.hex();
    };
    EXPECT_EQ(stamp(3, "S"), stamp(3, "S"));
    EXPECT_NE(stamp(3, "S"), stamp(3, "FS"));
    EXPECT_NE(stamp(3, "S"), stamp(4, "S"));
    EXPECT_EQ(stamp(3, "S").size(), 16u);
    FolderStamp ab, a_b;  // lengths are hashed: "ab" then "" is not "a" then "b"
    ab.add("ab");
    ab.add("");
    a_b.add("a");
    a_b.add("b");
    EXPECT_NE(ab.hex(), a_b.hex());
}

}  // namespace
}  // namespace layer7::mail::web
