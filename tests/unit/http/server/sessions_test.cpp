#include "http/server/sessions.hpp"

#include <gtest/gtest.h>

namespace layer7::http {
namespace {

using namespace std::chrono;

std::function<std::string()> counter_ids()
{
    auto n = std::make_shared<int>(0);
    return [n] { return "id" + std::to_string(++*n); };
}

TEST(Sessions, CountsVisitsOfTheSameCookie)
{
    SessionTable t(counter_ids());
    const sys_seconds now{seconds(1000)};
    Visit first = t.visit(std::nullopt, now);
    EXPECT_TRUE(first.is_new);
    EXPECT_EQ(first.count, 1u);
    Visit second = t.visit(first.id, now + seconds(5));
    EXPECT_FALSE(second.is_new);
    EXPECT_EQ(second.count, 2u);
    EXPECT_EQ(second.id, first.id);
    EXPECT_TRUE(t.visit("forged", now).is_new);  // an unknown id starts a new session
}

TEST(Sessions, ExpireAfterIdlingAndStayBounded)
{
    SessionTable t(counter_ids(), 3, seconds(60));
    const sys_seconds now{seconds(1000)};
    Visit v = t.visit(std::nullopt, now);
    EXPECT_TRUE(t.visit(v.id, now + seconds(61)).is_new);
    for (int i = 0; i < 10; ++i)
        t.visit(std::nullopt, now + seconds(100 + i));
    EXPECT_LE(t.size(), 3u);
}

}  // namespace
}  // namespace layer7::http
