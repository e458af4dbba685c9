// RRL: token bucket per prefix, slip and its reply, prefix masking, table bounds; time is passed in.
#include "dns/transport/rrl.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

namespace {
RrlKey v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, const RrlConfig& config = {})
{
    std::uint8_t addr[] = {a, b, c, d};
    return rrl_key(addr, config);
}
}  // namespace

TEST(Rrl, OffSendsEverything)
{
    RateLimiter rrl({});
    EXPECT_FALSE(rrl.enabled());
    for (int i = 0; i < 1000; ++i)
        EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 0), RrlAction::send);
    EXPECT_EQ(rrl.tracked(), 0u);
}

TEST(Rrl, BurstThenDropWithSlip)
{
    RateLimiter rrl({.responses_per_second = 5, .burst = 0, .slip = 2});
    for (int i = 0; i < 5; ++i)  // burst = one second's worth
        EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 100.0), RrlAction::send) << i;
    EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 100.0), RrlAction::drop);  // 1st dropped
    EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 100.0), RrlAction::slip);  // 2nd: truncated
    EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 100.0), RrlAction::drop);
    EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 100.0), RrlAction::slip);
}

TEST(Rrl, RefillsWithTime)
{
    RateLimiter rrl({.responses_per_second = 10, .burst = 1, .slip = 0});
    EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 1.0), RrlAction::send);
    EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 1.0), RrlAction::drop);
    EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 1.05), RrlAction::drop);  // half a token
    EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 1.1), RrlAction::send);   // a whole one
    EXPECT_EQ(rrl.check(v4(10, 0, 0, 1), 0.5), RrlAction::drop);   // time going back adds nothing
}

TEST(Rrl, SlipZeroNeverSlipsSlipOneAlways)
{
    RateLimiter never({.responses_per_second = 1, .burst = 1, .slip = 0});
    RateLimiter always({.responses_per_second = 1, .burst = 1, .slip = 1});
    never.check(v4(1, 2, 3, 4), 0);
    always.check(v4(1, 2, 3, 4), 0);
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(never.check(v4(1, 2, 3, 4), 0), RrlAction::drop);
        EXPECT_EQ(always.check(v4(1, 2, 3, 4), 0), RrlAction::slip);
    }
}

TEST(Rrl, SamePrefixSharesABucketOtherPrefixDoesNot)
{
    RateLimiter rrl({.responses_per_second = 1, .burst = 1, .slip = 0});
    EXPECT_EQ(rrl.check(v4(192, 0, 2, 1), 0), RrlAction::send);
    EXPECT_EQ(rrl.check(v4(192, 0, 2, 200), 0), RrlAction::drop);  // same /24
    EXPECT_EQ(rrl.check(v4(192, 0, 3, 1), 0), RrlAction::send);    // another /24
    EXPECT_EQ(rrl.tracked(), 2u);
}

TEST(Rrl, KeysMaskToThePrefix)
{
    RrlConfig c;
    EXPECT_EQ(v4(10, 1, 2, 3, c), v4(10, 1, 2, 99, c));
    EXPECT_NE(v4(10, 1, 2, 3, c), v4(10, 1, 3, 3, c));
    c.ipv4_prefix = 20;
    EXPECT_EQ(v4(10, 1, 0x12, 3, c), v4(10, 1, 0x1f, 3, c));
    EXPECT_NE(v4(10, 1, 0x12, 3, c), v4(10, 1, 0x22, 3, c));
    std::uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    std::uint8_t b6[16] = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 0xff, 5, 6, 7, 8, 9, 10, 11, 12};
    std::uint8_t c6[16] = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    EXPECT_EQ(rrl_key(a6, {}), rrl_key(b6, {}));  // /56: the 8th octet is host part
    EXPECT_NE(rrl_key(a6, {}), rrl_key(c6, {}));
    std::uint8_t v4mapped_like[4] = {0x20, 0x01, 0x0d, 0xb8};
    EXPECT_NE(rrl_key(v4mapped_like, {}), rrl_key(a6, {}));  // the family is part of the key
}

TEST(Rrl, TableStaysBoundedUnderManyPrefixes)
{
    RateLimiter rrl({.responses_per_second = 1, .burst = 1, .slip = 0, .max_clients = 100});
    for (int i = 0; i < 10000; ++i)
        rrl.check(v4(10, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i), 1), 0);
    EXPECT_LE(rrl.tracked(), 101u);
    // Idle buckets (full again) are swept first, so a busy prefix keeps its state.
    RateLimiter swept({.responses_per_second = 1, .burst = 1, .slip = 0, .max_clients = 3});
    swept.check(v4(1, 0, 0, 1), 0);
    swept.check(v4(2, 0, 0, 1), 0);
    swept.check(v4(3, 0, 0, 1), 0.5);
    swept.check(v4(4, 0, 0, 1), 1.2);  // 1 and 2 are idle a full refill time: swept
    EXPECT_EQ(swept.tracked(), 2u);
    EXPECT_EQ(swept.check(v4(3, 0, 0, 1), 1.2), RrlAction::drop);  // kept: still empty
}

TEST(Rrl, TruncatedReplyForSlip)
{
    Message q;
    q.id = 0x1234;
    q.flags.rd = true;
    q.questions.push_back({Name::parse("www.example.").value(), RrType::a, RrClass::in});
    q.edns = Edns{.udp_size = 1232, .version = 0, .do_bit = false, .options = {}};
    auto wire = truncated_reply(q, 1232);
    auto r = decode(wire).value();
    EXPECT_TRUE(r.flags.tc);
    EXPECT_TRUE(r.flags.qr);
    EXPECT_TRUE(r.flags.rd);
    EXPECT_EQ(r.id, 0x1234);
    EXPECT_EQ(r.questions, q.questions);
    EXPECT_TRUE(r.answers.empty());
    ASSERT_TRUE(r.edns.has_value());
    EXPECT_EQ(r.edns->udp_size, 1232);
}
