// RFC 9218: the Priority Field Value parser and the scheduler's order.
#include "http/h2/priority.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace layer7::http::h2;

namespace {

TEST(H2Priority, ParsesUrgencyAndIncremental)
{
    EXPECT_EQ(parse_priority("u=0").urgency, 0);
    EXPECT_EQ(parse_priority("u=7, i").urgency, 7);
    EXPECT_TRUE(parse_priority("u=7, i").incremental);
    EXPECT_TRUE(parse_priority("i").incremental);
    EXPECT_FALSE(parse_priority("i=?0").incremental);
    EXPECT_EQ(parse_priority("").urgency, 3);  // §4.1 default
}

TEST(H2Priority, IgnoresWhatItDoesNotKnowOrCannotUse)
{
    EXPECT_EQ(parse_priority("u=8").urgency, 3);                // out of range
    EXPECT_EQ(parse_priority("u=a").urgency, 3);                // not an integer
    EXPECT_EQ(parse_priority("x=1, u=1;p=2").urgency, 1);       // unknown member, a parameter
    EXPECT_EQ(parse_priority("u=5", {1, true}).urgency, 5);     // over a base (PRIORITY_UPDATE)
    EXPECT_TRUE(parse_priority("u=5", {1, true}).incremental);  // the base's other member stands
}

std::vector<std::int32_t> order(Scheduler& s, int frames)
{
    std::vector<std::int32_t> sent;
    for (int i = 0; i < frames; ++i) {
        ScheduleNode* n = s.top();
        if (!n)
            break;
        sent.push_back(n->stream);
        s.sent(*n);
    }
    return sent;
}

TEST(H2Priority, LowerUrgencyFirstThenStreamOrderThenRoundRobin)
{
    std::vector<ScheduleNode> nodes(5);
    const std::int32_t ids[] = {1, 3, 5, 7, 9};
    for (std::size_t i = 0; i < nodes.size(); ++i)
        nodes[i].stream = ids[i];
    nodes[0].priority = {5, false};
    nodes[1].priority = {3, true};
    nodes[2].priority = {3, true};
    nodes[3].priority = {3, false};
    nodes[4].priority = {0, false};
    Scheduler s;
    for (auto& n : nodes)
        s.push(n);
    EXPECT_EQ(order(s, 3), (std::vector<std::int32_t>{9, 9, 9}));  // urgency 0 keeps the line
    s.remove(nodes[4]);
    EXPECT_EQ(order(s, 2), (std::vector<std::int32_t>{7, 7}));  // non-incremental before incremental
    s.remove(nodes[3]);
    EXPECT_EQ(order(s, 4), (std::vector<std::int32_t>{3, 5, 3, 5}));  // incremental: a frame each
    s.remove(nodes[1]);
    s.remove(nodes[2]);
    EXPECT_EQ(order(s, 1), (std::vector<std::int32_t>{1}));
    s.reprioritize(nodes[0], {6, false});
    EXPECT_EQ(s.top(), &nodes[0]);
    s.remove(nodes[0]);
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.top(), nullptr);
}

TEST(H2Priority, SequentialStreamsKeepStreamOrderWhateverThePushOrder)
{
    std::vector<ScheduleNode> nodes(3);
    nodes[0].stream = 5;
    nodes[1].stream = 1;
    nodes[2].stream = 3;
    Scheduler s;
    for (auto& n : nodes)
        s.push(n);
    std::vector<std::int32_t> seen;
    while (ScheduleNode* n = s.top()) {
        seen.push_back(n->stream);
        s.remove(*n);
    }
    EXPECT_EQ(seen, (std::vector<std::int32_t>{1, 3, 5}));
}

}  // namespace
