// Tests for mail/smtp/reply_codec: RFC 3463 enhanced status codes (the codec is core/text/reply).
#include "mail/smtp/reply_codec.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::smtp {
namespace {

TEST(ReplyCodec, EnhancedCode)
{
    EXPECT_EQ(enhanced_code("2.1.0 Ok"), "2.1.0");
    EXPECT_EQ(enhanced_code("5.7.11 Encryption required"), "5.7.11");
    EXPECT_EQ(enhanced_code("4.5.3"), "4.5.3");
    EXPECT_EQ(enhanced_code("3.0.0 no"), "");
    EXPECT_EQ(enhanced_code("2.1000.0 x"), "");
    EXPECT_EQ(enhanced_code("hamburger.edu"), "");
    EXPECT_EQ(enhanced_code("2.1.0x"), "");
}

}  // namespace
}  // namespace layer7::mail::smtp
