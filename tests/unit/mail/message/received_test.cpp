// Tests for mail/message/received: RFC 5321 §4.4 trace fields, RFC 3848 "with" keywords.
#include "mail/message/received.hpp"

#include <gtest/gtest.h>

#include "mail/message/header.hpp"

namespace layer7::mail {
namespace {

TEST(Received, BuildsTimeStampLine)
{
    TraceInfo trace;
    trace.helo = "crepes.fr";
    trace.client_host = "mail.crepes.fr";
    trace.client_address = "192.0.2.7";
    trace.by = "hamburger.edu";
    trace.with = "ESMTPS";
    trace.id = "Q1";
    trace.for_recipient = "bob@hamburger.edu";
    EXPECT_EQ(build_received(trace),
              "Received: from crepes.fr (mail.crepes.fr [192.0.2.7])\r\n\tby hamburger.edu with ESMTPS id Q1"
              "\r\n\tfor <bob@hamburger.edu>;\r\n\tThu, 1 Jan 1970 00:00:00 +0000\r\n");
}

TEST(Received, Ipv6AndSanitising)
{
    TraceInfo trace;
    trace.helo = "evil)\r\nBcc: x";
    trace.client_address = "2001:db8::1";
    trace.by = "hamburger.edu";
    const std::string field = build_received(trace);
    EXPECT_NE(field.find("from evil___Bcc:_x ("), std::string::npos);
    EXPECT_NE(field.find("[IPv6:2001:db8::1]"), std::string::npos);
    auto parsed = parse_header(field + "\r\n");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->header.fields.size(), 1u);  // one field: nothing injected
    EXPECT_EQ(build_received({}).substr(0, 30), "Received: from unknown ([unkno");
}

TEST(Received, WithKeywords)
{
    EXPECT_EQ(with_protocol(false, false, false, false), "SMTP");
    EXPECT_EQ(with_protocol(true, false, false, false), "ESMTP");
    EXPECT_EQ(with_protocol(true, true, true, false), "ESMTPSA");
    EXPECT_EQ(with_protocol(true, false, true, true), "UTF8SMTPA");
}

}  // namespace
}  // namespace layer7::mail
