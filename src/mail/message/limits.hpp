// Named, defaulted bounds for parsing one RFC 5322 / MIME message (DESIGN.md §6).
#pragma once

#include <cstddef>

namespace layer7::mail {

struct MessageLimits {
    // RFC 5322 §2.1.1 caps a line at 998; real mail breaks that, so we allow Postfix's
    // line_length_limit (2048) before calling the header malformed.
    std::size_t max_header_line = 2048;
    std::size_t max_header_fields = 1000;      // per header block; stops "a: b" floods
    std::size_t max_header_bytes = 64 * 1024;  // one header block (core::Limits::max_header)
    std::size_t max_depth = 32;                // nested multiparts (Postfix mime_nesting_limit is 100)
    std::size_t max_parts = 1000;              // MIME parts in the whole message
};

enum class ParseError {
    header_line_too_long,  // a header line longer than max_header_line
    too_many_fields,       // more than max_header_fields in one header block
    header_too_large,      // a header block larger than max_header_bytes
    too_deep,              // multipart nesting beyond max_depth
    too_many_parts,        // more than max_parts parts
};

}  // namespace layer7::mail
