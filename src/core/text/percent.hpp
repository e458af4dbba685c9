// Percent-decoding (RFC 3986 §2.1), pure: the one decoder for URLs, HTTP paths and forms, ftp://
// URLs, magnet links and tracker queries, and RFC 2231 MIME parameters.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace layer7::core {

enum class PercentError { bad_escape, nul_byte };

struct PercentRules {
    bool keep_malformed = false;  // a '%' without two hex digits stays as it is; else bad_escape
    bool allow_nul = false;       // %00 decodes (binary values, an info_hash); else nul_byte, since a
                                  // NUL cuts a C path short
    bool plus_is_space = false;   // application/x-www-form-urlencoded
};

Result<std::string, PercentError> percent_decode(std::string_view s, PercentRules rules = {});

}  // namespace layer7::core
