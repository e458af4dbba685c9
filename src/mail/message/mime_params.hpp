// Structured MIME fields: Content-Type (RFC 2045 §5.1) and Content-Disposition (RFC 2183) with
// parameters, quoted strings and RFC 2231 continuations / charsets; and their formatting.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace layer7::mail {

struct Param {
    std::string name;   // lower case, without any RFC 2231 "*n*" suffix
    std::string value;  // unquoted; RFC 2231 segments joined and converted to UTF-8
};

struct ParamField {
    std::string value;  // the leading token, lower case: "multipart/mixed", "attachment"
    std::vector<Param> params;

    // The value of parameter `name` (case-insensitive), or "".
    std::string_view param(std::string_view name) const;
    bool has(std::string_view name) const;
};

// Parses "token *(; name=value)"; skips comments and junk between parameters, never fails.
ParamField parse_param_field(std::string_view field_value);

// One "; name=value" for a header: a token, a quoted-string, or RFC 2231 name*=utf-8''… split
// into name*0*, name*1*… continuations so every piece fits on a 78-column line. Starts with ";".
std::string format_param(std::string_view name, std::string_view value);

}  // namespace layer7::mail
