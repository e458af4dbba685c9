// The Received: trace field an SMTP server prepends (RFC 5321 §4.4), with RFC 3848 / RFC 6531
// protocol names in "with".
#pragma once

#include <chrono>
#include <string>

namespace layer7::mail {

struct TraceInfo {
    std::string helo;            // the EHLO/HELO argument, as the client said it
    std::string client_host;     // reverse-DNS name of the client, "" when unknown
    std::string client_address;  // "192.0.2.1" or "2001:db8::1"
    std::string by;              // our host name
    std::string with = "ESMTP";  // SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA, UTF8SMTP…
    std::string id;              // queue or session id; "" to omit
    std::string for_recipient;   // one recipient, "" to omit (RFC 5321 §7.2: privacy)
    std::chrono::sys_seconds time{};
    int utc_offset_minutes = 0;
};

// "Received: from … by … with …; date\r\n", folded; client text is sanitised (no CTLs, no parens).
std::string build_received(const TraceInfo& trace);

// RFC 3848 "with" keyword for the session's features.
std::string with_protocol(bool extended, bool tls, bool authenticated, bool smtputf8);

}  // namespace layer7::mail
