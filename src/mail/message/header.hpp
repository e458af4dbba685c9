// RFC 5322 §2.2 header section: fields split, unfolded (§2.2.3) and kept in raw form.
// RFC 6532: field bodies may carry UTF-8; they are kept as bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/text/ascii.hpp"
#include "mail/message/limits.hpp"

namespace layer7::mail {

struct HeaderField {
    std::string name;   // as written (compare case-insensitively)
    std::string value;  // unfolded: CRLFs before WSP removed, surrounding WSP trimmed
    std::string raw;    // the exact bytes, from the name to the last line ending
};

struct Header {
    std::vector<HeaderField> fields;

    // The first field called `name` (case-insensitive), or nullptr.
    const HeaderField* find(std::string_view name) const;
    // The value of the first field called `name`, or "".
    std::string_view get(std::string_view name) const;
};

struct ParsedHeader {
    Header header;
    std::size_t body_offset = 0;  // first byte after the blank line (or where the header stopped)
};

// Parses the header section at the start of `bytes`. CRLF and bare LF both end lines. A line
// that is neither a field nor a continuation ends the header (as if a blank line preceded it).
core::Result<ParsedHeader, ParseError> parse_header(std::string_view bytes, const MessageLimits& limits = {});

// ASCII case rules for field names, MIME tokens and charsets.
using core::iequals;
using core::to_lower;

}  // namespace layer7::mail
