// RFC 2047 encoded-words (=?charset?B|Q?text?=) in header text, decoded to UTF-8 and encoded
// from UTF-8; charset conversion for utf-8, us-ascii and iso-8859-1 (RFC 2047 §6, RFC 2231 §5).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::mail {

// Bytes in `charset` → UTF-8; nullopt for a charset we do not know. UTF-8 is passed unchanged.
std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes);

// Decodes every encoded-word in an unfolded header value; whitespace between two adjacent
// encoded-words is dropped (§6.2); words in an unknown charset are left as written.
std::string decode_encoded_words(std::string_view value);

// True when `text` cannot go into a header as it is: non-ASCII or control bytes, "=?", edge
// whitespace, or a run longer than a line.
bool needs_encoding(std::string_view text);

// Header field text for `utf8`, folded with CRLF SP: as is when it needs no encoding, else
// =?UTF-8?B?…?= words of at most 75 characters on lines of at most 76 (§2). `used` is the
// number of characters already on the first line ("Subject: " = 9).
std::string encode_header_text(std::string_view utf8, std::size_t used);

// Folds ASCII text at whitespace so lines stay within 78 characters where possible (RFC 5322 §2.2.3).
std::string fold(std::string_view text, std::size_t used);

}  // namespace layer7::mail
