// Line ends between the wire and the mailbox (pure). Maildir files use LF, as qmail-local,
// Dovecot and mutt write them; SMTP and POP3 carry CRLF (RFC 5322 §2.1, RFC 1939 §3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace layer7::mail {

// CRLF → LF; a lone CR or LF is kept as it is.
std::string to_lf(std::string_view wire);
// Every LF not preceded by CR becomes CRLF; a final line without an end gets CRLF.
std::string to_crlf(std::string_view stored);
// to_crlf(stored) appended to `out`, with no copy between.
void append_crlf(std::string& out, std::string_view stored);
// The size to_crlf() would return, without building it (POP3 LIST sizes).
std::uint64_t crlf_size(std::string_view stored);

}  // namespace layer7::mail
