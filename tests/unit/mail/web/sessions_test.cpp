// Sessions (idle and absolute expiry, the size bound), the CSRF comparison and the login throttle.
#include "mail/web/sessions.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::web {
namespace {

using namespace std::chrono_literals;

Time at(std::int64_t s)
{
    return Time{std::chrono::seconds{s}};
}

std::function<std::string()> counter()
{
    return [n = 0]() mutable { return "token" + std::to_string(++n); };
}

TEST(SessionStore, CreateFindAndExpire)
{
    SessionStore store(counter(), {.idle = 100s, .absolute = 1000s, .max_sessions = 10});
    WebSession s = store.create("bob", "hamburger.edu", "bob", at(0));
    EXPECT_NE(s.id, s.csrf);
    ASSERT_TRUE(store.find(s.id, at(50)));
    ASSERT_TRUE(store.find(s.id, at(140)));  // idle counts from the last request
    EXPECT_FALSE(store.find(s.id, at(240)));
    EXPECT_FALSE(store.find("nope", at(0)));
}

TEST(SessionStore, PeekDoesNotKeepTheSessionAlive)
{
    SessionStore store(counter(), {.idle = 100s, .absolute = 1000s, .max_sessions = 10});
    WebSession s = store.create("bob", "hamburger.edu", "bob", at(0));
    ASSERT_TRUE(store.peek(s.id, at(99)));
    EXPECT_FALSE(store.peek(s.id, at(100)));  // a push stream's look did not move last_seen
    EXPECT_FALSE(store.find(s.id, at(100)));
    EXPECT_FALSE(store.peek("nope", at(0)));
}

TEST(SessionStore, AbsoluteLifetime)
{
    SessionStore store(counter(), {.idle = 100s, .absolute = 250s});
    WebSession s = store.create("bob", "d", "bob", at(0));
    for (int t = 90; t < 250; t += 90)
        ASSERT_TRUE(store.find(s.id, at(t)));
    EXPECT_FALSE(store.find(s.id, at(250)));
}

TEST(SessionStore, BoundedEvictingTheLeastRecentlySeen)
{
    SessionStore store(counter(), {.max_sessions = 2});
    auto a = store.create("a", "d", "a", at(0));
    auto b = store.create("b", "d", "b", at(1));
    store.find(a.id, at(2));
    auto c = store.create("c", "d", "c", at(3));
    EXPECT_EQ(store.size(), 2u);
    EXPECT_TRUE(store.find(a.id, at(4)));
    EXPECT_FALSE(store.find(b.id, at(4)));
    EXPECT_TRUE(store.find(c.id, at(4)));
    store.remove(a.id);
    EXPECT_FALSE(store.find(a.id, at(4)));
}

TEST(SameToken, ExactMatchOnly)
{
    EXPECT_TRUE(same_token("abc", "abc"));
    EXPECT_FALSE(same_token("abd", "abc"));
    EXPECT_FALSE(same_token("ab", "abc"));
    EXPECT_FALSE(same_token("", ""));  // no token expected means none can match
}

TEST(LoginThrottle, FreeFailuresThenDoublingLockout)
{
    LoginThrottle t({.free_failures = 3, .window = 900s, .first_lockout = 30s, .max_lockout = 100s});
    for (int i = 0; i < 3; ++i) {
        t.failed("login:bob", at(i));
        EXPECT_EQ(t.retry_after("login:bob", at(i)), 0s);
    }
    t.failed("login:bob", at(10));
    EXPECT_EQ(t.retry_after("login:bob", at(10)), 30s);
    EXPECT_EQ(t.retry_after("login:bob", at(40)), 0s);
    t.failed("login:bob", at(40));
    EXPECT_EQ(t.retry_after("login:bob", at(40)), 60s);
    t.failed("login:bob", at(100));
    EXPECT_EQ(t.retry_after("login:bob", at(100)), 100s);  // capped
    EXPECT_EQ(t.retry_after("login:alice", at(100)), 0s);
    t.succeeded("login:bob");
    EXPECT_EQ(t.retry_after("login:bob", at(100)), 0s);
}

TEST(LoginThrottle, OldFailuresAreForgotten)
{
    LoginThrottle t({.free_failures = 1, .window = 60s});
    t.failed("k", at(0));
    t.failed("k", at(100));  // the first is outside the window
    EXPECT_EQ(t.retry_after("k", at(100)), 0s);
}

TEST(LoginThrottle, BoundedNumberOfKeys)
{
    LoginThrottle t({.max_keys = 100});
    for (int i = 0; i < 1000; ++i)
        t.failed("peer:" + std::to_string(i), at(i));
    EXPECT_LE(t.size(), 100u);
}

}  // namespace
}  // namespace layer7::mail::web
