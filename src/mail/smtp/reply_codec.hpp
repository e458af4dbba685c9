// SMTP replies (RFC 5321 §4.2) through the shared codec in core/text/reply.hpp, and what is SMTP's
// own: the RFC 3463 enhanced status codes at the start of a reply's text.
#pragma once

#include <string_view>

#include "core/text/reply.hpp"

namespace layer7::mail::smtp {

using Reply = core::Reply;  // its text starts with the enhanced code (RFC 2034)

// Every line of a multi-line reply carries "250-" (RFC 5321 §4.2.1); there are no 1yz replies.
// RFC 5321 §4.5.3.1.5 allows 512 octets per line; 2048 is Postfix's line_length_limit. EHLO lists a
// dozen lines; Postfix caps replies similarly.
inline constexpr core::ReplySyntax reply_syntax{.continuation = core::Continuation::coded,
                                                .lowest_code = 200,
                                                .max_line = 2048,
                                                .max_lines = 100};

// The RFC 3463 enhanced status code at the start of `text` ("2.1.0"), or "".
std::string_view enhanced_code(std::string_view text);

}  // namespace layer7::mail::smtp
