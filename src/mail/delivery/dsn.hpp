// Bounces (pure): an RFC 3464 delivery status notification, multipart/report (RFC 6522) with a
// human-readable part, message/delivery-status, and the original header (text/rfc822-headers).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::mail::delivery {

struct FailedRecipient {
    std::string address;
    std::string status;      // RFC 3463 code, e.g. "5.1.1" (from the reply, else from its class)
    std::string diagnostic;  // the remote reply, "550 5.1.1 User unknown"; "" when none came
    std::string remote_mta;  // the host that said it, "" when none
    std::string reason;      // our words when no server spoke ("delivery time expired")
};

struct Bounce {
    std::string reporting_mta;    // our host name
    std::string original_sender;  // the envelope sender the report goes to
    std::string queue_id;
    std::chrono::sys_seconds arrival{}, now{};
    std::vector<FailedRecipient> recipients;
    std::string original;  // the undelivered message (CRLF); its header is returned
    std::string unique;    // for the boundary and Message-ID, e.g. a fresh queue id
};

// The RFC 3463 status of a reply: its enhanced code when present, else X.0.0 from its class.
std::string status_of(int code, std::string_view text);
// The whole bounce message, CRLF line ends, ready to queue with the null sender MAIL FROM:<>.
std::string build_bounce(const Bounce& bounce);

}  // namespace layer7::mail::delivery
