// Addresses: RFC 5322 §3.4 mailbox lists (display names, quoted local parts, angle addresses,
// groups; RFC 6532 UTF-8) for From/To/Cc, and RFC 5321 §4.1.2 paths for the SMTP envelope.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace layer7::mail {

struct Mailbox {
    std::string display_name;  // UTF-8, encoded-words decoded; "" when absent
    std::string local_part;    // unquoted
    std::string domain;        // "" only for the SMTP "<Postmaster>" path or the null path

    // local@domain, the local part quoted when it is not a dot-atom.
    std::string address() const;
    bool operator==(const Mailbox&) const = default;
};

struct Address {
    bool is_group = false;
    std::string group_name;          // for groups
    std::vector<Mailbox> mailboxes;  // one for a mailbox, zero or more for a group
};

enum class AddressError {
    syntax,                // a token where the grammar has none
    unterminated_quote,    // '"' without its closing '"'
    unterminated_comment,  // '(' without its ')'
    unterminated_literal,  // '[' or '<' without its closer
    missing_at,            // an addr-spec without '@domain'
    bad_domain,            // an empty label or a character a domain cannot hold
    too_long,              // RFC 5321 §4.5.3.1: local part > 64, domain > 255 octets
};

// address-list (RFC 5322 §3.4), with obs- forms: empty list elements, routes, "a . b".
core::Result<std::vector<Address>, AddressError> parse_address_list(std::string_view text);
// Exactly one mailbox (a From field with one author, a Sender field).
core::Result<Mailbox, AddressError> parse_mailbox(std::string_view text);
// All mailboxes of a list, groups flattened.
std::vector<Mailbox> flatten(const std::vector<Address>& list);

struct Path {
    Mailbox mailbox;  // empty for the null reverse-path "<>"
    bool is_null = false;
    std::size_t consumed = 0;  // bytes of `text` up to and including '>'
};
// An SMTP Reverse-path / Forward-path at the start of `text`: "<>", "<a@b>", "<@r,@s:a@b>"
// (the route is dropped, §C), "<Postmaster>". UTF-8 is accepted (RFC 6531); the caller checks it.
core::Result<Path, AddressError> parse_path(std::string_view text);

// "Display Name" <local@domain> for a header, the name as encoded-words when not ASCII;
// `used` is how many characters precede it on its line.
std::string format_mailbox(const Mailbox& mailbox, std::size_t used = 0);

}  // namespace layer7::mail
