// SMTP command syntax (RFC 5321 §4.1): verb + arguments, MAIL FROM / RCPT TO paths with ESMTP
// parameters (SIZE RFC 1870, BODY RFC 6152, SMTPUTF8 RFC 6531, AUTH RFC 4954 §5), SASL PLAIN (RFC 4616).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "mail/message/address.hpp"

namespace layer7::mail::smtp {

struct CommandLine {
    std::string verb;       // upper case
    std::string_view args;  // after the first space, surrounding spaces trimmed
};
CommandLine split_command(std::string_view line);

enum class CommandError {
    syntax,               // 501 5.5.4: "FROM:"/"TO:" missing, junk after the path
    bad_address,          // 501 5.1.7 (sender) / 5.1.3 (recipient): the path does not parse
    unknown_parameter,    // 555 5.5.4: a parameter we do not implement (§4.1.1.11)
    bad_parameter_value,  // 501 5.5.4: SIZE=abc, BODY=BINARYMIME
};

struct MailFrom {
    mail::Path path;
    std::optional<std::uint64_t> size;  // SIZE=n
    bool eight_bit_mime = false;        // BODY=8BITMIME
    bool smtputf8 = false;              // SMTPUTF8
    bool has_params = false;            // any ESMTP parameter (only legal after EHLO)
};
struct RcptTo {
    mail::Path path;
    bool has_params = false;
};

// "FROM:<path> [params]" (a space after the colon is tolerated, as most servers do).
core::Result<MailFrom, CommandError> parse_mail_from(std::string_view args);
// "TO:<path> [params]"; no RCPT parameters are implemented (DSN is not advertised).
core::Result<RcptTo, CommandError> parse_rcpt_to(std::string_view args);

// True when `text` holds a byte ≥ 0x80 (needs SMTPUTF8, RFC 6531 §3.4).
bool has_non_ascii(std::string_view text);

struct PlainCredentials {
    std::string authzid, authcid, password;
};
// message = [authzid] NUL authcid NUL passwd (RFC 4616 §2), already base64-decoded.
std::optional<PlainCredentials> decode_plain(std::string_view message);

}  // namespace layer7::mail::smtp
