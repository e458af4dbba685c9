// Modified UTF-7 (RFC 3501 §5.1.3): how IMAP mailbox names, and so Maildir++ folder names on
// disk, carry characters outside printable ASCII. Printable ASCII stands for itself except '&'
// ("&-"); anything else is UTF-16 in base64 with ',' for '/', between '&' and '-'. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace layer7::mail {

// The name for UTF-8 `text`; nullopt when `text` is not UTF-8 (overlong forms, surrogates,
// code points over U+10FFFF, truncated sequences).
std::optional<std::string> encode_modified_utf7(std::string_view text);

// The UTF-8 text of a name; nullopt for what RFC 3501 §5.1.3 does not allow: bytes outside
// printable ASCII, an unterminated shift, base64 standing for printable ASCII, a shift right after
// another ("-&": a null shift), leftover bits that are not zero or make a partial UTF-16 unit, and
// unpaired surrogates.
std::optional<std::string> decode_modified_utf7(std::string_view name);

}  // namespace layer7::mail
