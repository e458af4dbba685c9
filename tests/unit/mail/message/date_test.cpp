// Tests for mail/message/date: RFC 5322 §3.3 date-time.
#include "mail/message/date.hpp"

#include <gtest/gtest.h>

namespace layer7::mail {
namespace {

TEST(Date, Formats)
{
    using std::chrono::seconds;
    using std::chrono::sys_seconds;
    EXPECT_EQ(format_date(sys_seconds{seconds{0}}), "Thu, 1 Jan 1970 00:00:00 +0000");
    // RFC 5322 Appendix A.1.1: Fri, 21 Nov 1997 09:55:06 -0600 is 15:55:06 UTC.
    EXPECT_EQ(format_date(sys_seconds{seconds{880127706}}, -360), "Fri, 21 Nov 1997 09:55:06 -0600");
    EXPECT_EQ(format_date(sys_seconds{seconds{951782400}}), "Tue, 29 Feb 2000 00:00:00 +0000");
    EXPECT_EQ(format_date(sys_seconds{seconds{-1}}), "Wed, 31 Dec 1969 23:59:59 +0000");
    EXPECT_EQ(format_date(sys_seconds{seconds{0}}, 330), "Thu, 1 Jan 1970 05:30:00 +0530");
}

}  // namespace
}  // namespace layer7::mail
