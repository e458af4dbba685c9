// RttTable: smoothing, timeouts, picking the fastest, spreading over equals.
#include "dns/resolver/rtt_table.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace layer7::dns;
using namespace layer7::dns::resolver;
using namespace std::chrono_literals;

TEST(RttTable, PrefersTheFastestOnceEachWasTried)
{
    RttTable t;
    std::vector<ServerAddress> s{*ServerAddress::parse("10.0.0.1"), *ServerAddress::parse("10.0.0.2")};
    t.on_reply(s[0], 50ms);
    EXPECT_EQ(t.pick(s, 0), s[1]);  // untried counts as 0
    t.on_reply(s[1], 5ms);
    for (std::uint32_t tie = 0; tie < 10; ++tie)
        EXPECT_EQ(t.pick(s, tie), s[1]);
}

TEST(RttTable, SmoothsAndPenalisesTimeouts)
{
    RttTable t;
    auto a = *ServerAddress::parse("10.0.0.1");
    t.on_reply(a, 800us);
    t.on_reply(a, 0us);
    EXPECT_EQ(t.srtt(a), 700us);  // 7/8 of 800
    t.on_timeout(a, 1000ms);
    EXPECT_EQ(t.srtt(a), 1000ms);
    t.on_timeout(a, 1000ms);
    EXPECT_EQ(t.srtt(a), 2000ms);
    for (int i = 0; i < 20; ++i)
        t.on_timeout(a, 1000ms);
    EXPECT_EQ(t.srtt(a), RttTable::max_rtt);
}

TEST(RttTable, SpreadsOverEquals)
{
    RttTable t;
    std::vector<ServerAddress> s{*ServerAddress::parse("10.0.0.1"), *ServerAddress::parse("10.0.0.2"),
                                 *ServerAddress::parse("10.0.0.3")};
    std::set<std::string> seen;
    for (std::uint32_t tie = 0; tie < 64; ++tie)
        seen.insert(t.pick(s, tie * 2654435761u).to_text());
    EXPECT_EQ(seen.size(), 3u);
}
