// Tests for http/message/surrogate_control (W3C Edge Architecture Specification 1.0).
#include "http/message/surrogate_control.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

TEST(SurrogateControl, UntargetedDirectives)
{
    auto sc = parse_surrogate_control(R"(content="ESI/1.0", max-age=3600+600)", "layer7");
    EXPECT_TRUE(sc.any);
    EXPECT_EQ(sc.max_age, 3600u);
    EXPECT_FALSE(sc.no_store);
    EXPECT_TRUE(parse_surrogate_control("no-store", "layer7").no_store);
    EXPECT_FALSE(parse_surrogate_control("", "layer7").any);
    EXPECT_FALSE(parse_surrogate_control("max-age=abc, x", "layer7").any);
}

TEST(SurrogateControl, TargetedDirectivesOverride)
{
    auto sc = parse_surrogate_control("max-age=60, max-age=5;layer7, no-store;other", "layer7");
    EXPECT_EQ(sc.max_age, 5u);
    EXPECT_FALSE(sc.no_store);  // aimed at another surrogate
    EXPECT_EQ(parse_surrogate_control("max-age=60;other", "layer7").max_age, std::nullopt);
    auto both = parse_surrogate_control("max-age=60, no-store;layer7", "layer7");
    EXPECT_TRUE(both.no_store);
    EXPECT_EQ(both.max_age, 60u);
}
