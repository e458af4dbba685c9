// Routing: static routes, MX ordering by preference (RFC 5321 §5.1), null MX (RFC 7505).
#include <gtest/gtest.h>

#include "mail/delivery/route.hpp"

namespace layer7::mail::delivery {
namespace {

TEST(Route, StaticRoutesExactThenWildcard)
{
    std::vector<StaticRoute> routes{{"*", {"smarthost", 25}}, {"hamburger.edu", {"127.0.0.1", 2526}}};
    EXPECT_EQ(find_route(routes, "HAMBURGER.edu")->port, 2526);
    EXPECT_EQ(find_route(routes, "other.org")->host, "smarthost");
    EXPECT_FALSE(find_route({}, "x").has_value());
}

TEST(Route, MxByPreferenceEqualOnesShuffled)
{
    std::vector<MxHost> hosts{{20, "b.example."}, {10, "A.example."}, {20, "c.example"}, {30, "d.example"}};
    bool saw_b_first = false, saw_c_first = false;
    for (std::uint64_t seed = 0; seed < 64; ++seed) {
        const auto order = order_mx(hosts, seed);
        ASSERT_EQ(order.size(), 4u);
        EXPECT_EQ(order[0], "a.example");
        EXPECT_EQ(order[3], "d.example");
        saw_b_first = saw_b_first || order[1] == "b.example";
        saw_c_first = saw_c_first || order[1] == "c.example";
    }
    EXPECT_TRUE(saw_b_first && saw_c_first);
}

TEST(Route, DuplicatesDropped)
{
    EXPECT_EQ(order_mx({{10, "mx.x"}, {20, "MX.x."}}, 1), std::vector<std::string>{"mx.x"});
}

TEST(Route, NullMx)
{
    EXPECT_TRUE(is_null_mx({{0, "."}}));
    EXPECT_TRUE(is_null_mx({{0, ""}}));
    EXPECT_FALSE(is_null_mx({{0, "mx.x"}}));
    EXPECT_FALSE(is_null_mx({}));
}

TEST(Route, AddressParts)
{
    EXPECT_EQ(domain_of("Bob@Hamburger.EDU"), "hamburger.edu");
    EXPECT_EQ(local_part_of("Bob@Hamburger.EDU"), "Bob");
    EXPECT_EQ(domain_of("postmaster"), "");
    EXPECT_EQ(local_part_of("\"a@b\"@c.d"), "\"a@b\"");
}

}  // namespace
}  // namespace layer7::mail::delivery
