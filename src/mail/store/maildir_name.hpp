// Maildir file names (cr.yp.to/proto/maildir.html, as Dovecot and mutt read them), pure:
// "<unique>[,S=<size>][,W=<wire size>][:2,<flags>]". The unique part never changes when a message
// moves new/ → cur/ or gains flags, so it is also the message's POP3 UIDL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::mail {

struct MaildirName {
    std::string unique;                      // up to the first ',' or ':'
    std::optional<std::uint64_t> size;       // ,S= file size in bytes (Dovecot)
    std::optional<std::uint64_t> wire_size;  // ,W= size with CRLF line ends (Dovecot's "virtual size")
    bool has_info = false;                   // ":2," present (a message in cur/)
    std::string flags;                       // after ":2,", ASCII-sorted, e.g. "RS"
};

// Maildir flags (the spec's "experimental semantics", what mutt and Dovecot write).
namespace flag {
inline constexpr char draft = 'D', flagged = 'F', passed = 'P', replied = 'R', seen = 'S', trashed = 'T';
}

// nullopt for names no Maildir tool would have written: empty, hidden (".…"), or with '/'.
std::optional<MaildirName> parse_maildir_name(std::string_view file_name);
// The file name for `name` (flags sorted and deduplicated; ":2," only when has_info).
std::string format_maildir_name(const MaildirName& name);
// The unique part of a new delivery: "<sec>.M<usec>P<pid>Q<counter>.<host>"; '/' and ':' in the
// host become "\057" and "\072", as the spec asks.
std::string unique_name(std::uint64_t seconds, std::uint32_t microseconds, std::uint64_t pid, std::uint64_t counter,
                        std::string_view host);
// `flags` with `f` added, sorted, without duplicates.
std::string add_flag(std::string_view flags, char f);
// A POP3 unique-id (RFC 1939 §7: 1..70 characters in 0x21..0x7E) for a unique part: the part itself
// when it fits, else "x" + a 64-bit FNV-1a hash in hex (other tools may write longer names).
std::string uidl_of(std::string_view unique);
// When a unique part was delivered, in microseconds since the epoch, for listing oldest first: its
// seconds prefix and, when the name has the usual "M<usec>" after the dot (qmail, Dovecot, Postfix,
// python's mailbox, us), those microseconds; 0 when there is no seconds prefix.
std::uint64_t delivery_time(std::string_view unique);

}  // namespace layer7::mail
