// Content-Transfer-Encoding codecs: base64 lines for MIME bodies (RFC 2045 §6.8, on
// core/bytes/base64) and quoted-printable (RFC 2045 §6.7).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace layer7::mail {

// base64 in CRLF-terminated lines of at most `line` characters (MIME bodies: 76).
std::string base64_encode_lines(std::string_view data, std::size_t line = 76);

// Encodes canonical text (CRLF line breaks) into lines of at most 76 characters.
std::string qp_encode(std::string_view text);
// Decodes; soft breaks removed, trailing WSP dropped, malformed "=" sequences kept as they are.
std::string qp_decode(std::string_view text);

// Decodes a body by its Content-Transfer-Encoding (7bit, 8bit, binary and unknown: unchanged).
std::string decode_transfer_encoding(std::string_view encoding, std::string_view body);

}  // namespace layer7::mail
