// Bounces: RFC 3464 fields, multipart/report structure (parsed back with our MIME parser).
#include <gtest/gtest.h>

#include "mail/delivery/dsn.hpp"
#include "mail/message/header.hpp"
#include "mail/message/mime_parser.hpp"

namespace layer7::mail::delivery {
namespace {

Bounce sample()
{
    Bounce b;
    b.reporting_mta = "mail.crepes.fr";
    b.original_sender = "alice@crepes.fr";
    b.queue_id = "ABC";
    b.arrival = std::chrono::sys_seconds(std::chrono::seconds(1700000000));
    b.now = std::chrono::sys_seconds(std::chrono::seconds(1700000600));
    b.recipients.push_back(
        {"bob@hamburger.edu", "5.1.1", "550 5.1.1 User unknown", "mx.hamburger.edu[192.0.2.1]:25", ""});
    b.recipients.push_back({"carol@hamburger.edu", "4.4.7", "", "", "delivery time expired"});
    b.original = "From: alice@crepes.fr\r\nSubject: ketchup\r\n\r\nDo you like ketchup?\r\n";
    b.unique = "0001";
    return b;
}

TEST(Dsn, StatusOfReplies)
{
    EXPECT_EQ(status_of(550, "5.1.1 User unknown"), "5.1.1");
    EXPECT_EQ(status_of(550, "User unknown"), "5.0.0");
    EXPECT_EQ(status_of(451, "4.3.0 later"), "4.3.0");
    EXPECT_EQ(status_of(550, "4.3.0 inconsistent"), "5.0.0");  // the class must match the code
}

TEST(Dsn, MultipartReportWithThreeParts)
{
    const std::string m = build_bounce(sample());
    auto head = mail::parse_header(m);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->header.get("To"), "<alice@crepes.fr>");
    EXPECT_EQ(head->header.get("Auto-Submitted"), "auto-replied");
    EXPECT_NE(std::string(head->header.get("Content-Type")).find("multipart/report; report-type=delivery-status"),
              std::string::npos);
    auto parsed = mail::parse_message(m);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->content_type.value, "multipart/report");
    ASSERT_EQ(parsed->parts.size(), 3u);
    EXPECT_EQ(parsed->parts[0].content_type.value, "text/plain");
    EXPECT_EQ(parsed->parts[1].content_type.value, "message/delivery-status");
    EXPECT_EQ(parsed->parts[2].content_type.value, "text/rfc822-headers");
}

TEST(Dsn, DeliveryStatusFields)
{
    const std::string m = build_bounce(sample());
    for (const char* field :
         {"Reporting-MTA: dns; mail.crepes.fr\r\n", "Arrival-Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n",
          "Final-Recipient: rfc822; bob@hamburger.edu\r\nAction: failed\r\nStatus: 5.1.1\r\n"
          "Remote-MTA: dns; mx.hamburger.edu[192.0.2.1]:25\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n",
          "Final-Recipient: rfc822; carol@hamburger.edu\r\nAction: failed\r\nStatus: 4.4.7\r\n"
          "Diagnostic-Code: X-layer7; delivery time expired\r\n",
          "Subject: ketchup\r\n"})
        EXPECT_NE(m.find(field), std::string::npos) << field;
    EXPECT_EQ(m.find("Do you like ketchup?"), std::string::npos);  // headers only, not the body
}

TEST(Dsn, HostileTextStaysOnOneLine)
{
    Bounce b = sample();
    b.recipients[0].diagnostic = "550 a\r\nInjected: yes\n" + std::string(2000, 'x');
    const std::string m = build_bounce(b);
    EXPECT_EQ(m.find("\r\nInjected: yes"), std::string::npos);
    std::size_t start = 0;
    while (start < m.size()) {
        const auto end = m.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end - start, 998u);
        start = end + 2;
    }
}

}  // namespace
}  // namespace layer7::mail::delivery
