// Zone-file lexer (RFC 1035 §5.1): splits master-file text into entries of tokens, joining lines
// inside parentheses, dropping ; comments, keeping quoted strings and backslash escapes raw.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "dns/wire/rdata_text.hpp"
#include "dns/zone/zone_error.hpp"

namespace layer7::dns {

struct ZoneEntry {
    std::size_t line = 0;        // where the entry starts
    bool owner_omitted = false;  // the line began with a blank: "use the previous owner"
    std::vector<TextToken> tokens;
};

struct LexLimits {
    std::size_t max_token = 65535;  // no RDATA field is longer on the wire
    std::size_t max_entry_tokens = 4096;
};

core::Result<std::vector<ZoneEntry>, ZoneError> lex_zone(std::string_view text, std::string_view file,
                                                         const LexLimits& limits = {});

}  // namespace layer7::dns
