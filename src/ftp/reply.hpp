// FTP's replies (RFC 959 §4.2) through the shared codec in core/text/reply.hpp.
#pragma once

#include "core/text/reply.hpp"

namespace layer7::ftp {

using Reply = core::Reply;

// Middle lines of a multi-line reply are free text (FEAT's " EPSV" lines, RFC 2389 §3.2). RFC 959
// sets no line limit: FEAT and STAT lines are short, paths are not; a STAT listing can be long.
inline constexpr core::ReplySyntax reply_syntax{.continuation = core::Continuation::free,
                                                .lowest_code = 100,
                                                .max_line = 8192,
                                                .max_lines = 10000};

}  // namespace layer7::ftp
