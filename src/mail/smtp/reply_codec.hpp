// SMTP replies (RFC 5321 §4.2): Reply → wire with "250-" continuation lines, and a pure
// ReplyParser for the client side that assembles multi-line replies from lines.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace layer7::smtp {

struct Reply {
    int code = 0;
    std::string text;  // multi-line text joined by '\n'; starts with the enhanced code (RFC 2034)
    bool operator==(const Reply&) const = default;
};

// "250-first\r\n250 last\r\n"; an empty text gives "250\r\n" (but "334 \r\n", RFC 4954 §4).
// CRs in the text become spaces.
std::string to_wire(const Reply& reply);
// All replies, one write (PIPELINING, RFC 2920).
std::string to_wire(const std::vector<Reply>& replies);

// The RFC 3463 enhanced status code at the start of `text` ("2.1.0"), or "".
std::string_view enhanced_code(std::string_view text);

enum class ReplyError {
    malformed_line,  // not "ddd", "ddd text" or "ddd-text" with a code in 200–599 (RFC 5321 §4.2)
    code_mismatch,   // a continuation line with another code than the first (§4.2.1)
    too_many_lines,  // a multi-line reply longer than max_lines
    line_too_long,   // a reply line longer than max_line
};

struct ReplyLimits {
    std::size_t max_lines = 100;  // EHLO lists a dozen; Postfix caps replies similarly
    std::size_t max_line = 2048;  // RFC 5321 §4.5.3.1.5 says 512; Postfix line_length_limit
};

class ReplyParser {
public:
    explicit ReplyParser(const ReplyLimits& limits = {}) : limits_(limits) {}
    // One line, CRLF stripped: the whole reply after its last line, nullopt while it continues.
    // After an error the parser starts afresh with the next line.
    core::Result<std::optional<Reply>, ReplyError> on_line(std::string_view line);

private:
    ReplyLimits limits_;
    Reply pending_;
    std::size_t lines_ = 0;
};

}  // namespace layer7::smtp
