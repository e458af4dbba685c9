// Named bounds of the IMAP server (DESIGN.md §6), passed to the parser and the session.
#pragma once

#include <cstddef>
#include <cstdint>

namespace layer7::mail::imap {

struct ImapLimits {
    // RFC 7162 §4 asks servers to take command lines of at least 8192 octets.
    std::size_t max_line = 8192;
    // One literal: a message for APPEND. Dovecot's default imap_max_line_length is 64 KiB, its
    // APPEND limit the mail size; we take the SMTP message limit (core::Limits::max_message).
    std::uint64_t max_literal = 32u << 20;
    // Literals in one command (APPEND takes one, LOGIN two, SEARCH a few).
    std::size_t max_literals = 16;
    // A whole command: lines plus literals, so many small literals cannot add up past this.
    std::uint64_t max_command = (32u << 20) + 64 * 1024;
    // SEARCH keys nested in parentheses, OR and NOT; stops a stack overflow by recursion.
    std::size_t max_search_depth = 32;
    // Ranges in one sequence set ("1,3,5,…").
    std::size_t max_set_ranges = 10000;
};

}  // namespace layer7::mail::imap
