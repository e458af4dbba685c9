// A JSON string literal, quotes included (RFC 8259 §7), for the JSON the project writes: status
// lines for scripts, the chat's messages, web mail's folder list. Pure.
#pragma once

#include <string>
#include <string_view>

namespace layer7::core {

// `"` and `\` escaped, control characters and `<` as \u00XX (so the text may also sit inside an
// HTML <script> block), and each byte that does not begin a well-formed UTF-8 sequence as
// \ufffd: file names and torrent names need not be UTF-8, and JSON must be.
std::string json_string(std::string_view text);

}  // namespace layer7::core
