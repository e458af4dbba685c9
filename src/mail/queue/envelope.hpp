// Envelope: who a message is from and for, and how it arrived (RFC 5321 §2.3.1: the envelope, apart
// from the content). What every receiver (SMTP, web mail, bounces) hands to the queue with the bytes.
#pragma once

#include <string>
#include <vector>

namespace layer7::mail {

struct Envelope {
    std::string helo;                  // the EHLO/HELO argument
    std::string mail_from;             // reverse-path address; "" for the null path "<>"
    std::vector<std::string> rcpt_to;  // forward-path addresses, in RCPT order
    bool eight_bit_mime = false;       // BODY=8BITMIME (RFC 6152)
    bool smtputf8 = false;             // SMTPUTF8 (RFC 6531)
    std::string auth_user;             // the SASL identity, "" when not authenticated (RFC 4954)
    std::string client_address;        // where it came from (for the Received: field and logs)
    std::string client_host;           // reverse-DNS name, "" when unknown
    std::string protocol;              // RFC 3848 "with": SMTP, ESMTP, ESMTPSA, UTF8SMTPS…
    bool tls = false;
};

}  // namespace layer7::mail
