// application/x-www-form-urlencoded bodies (WHATWG URL §5; the HTML form default).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace layer7::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

struct FormLimits {
    std::size_t max_fields = 256;  // a body of "&&&&" must not become a huge vector
};

// Splits on '&', then the first '='; '+' is a space and %XX is decoded. Malformed escapes are kept
// literally as browsers do, %00 is refused. nullopt for %00 or more than max_fields pairs.
std::optional<FormFields> decode_form(std::string_view body, const FormLimits& limits = {});
// The inverse, for a client submitting a form.
std::string encode_form(const FormFields& fields);

}  // namespace layer7::http
