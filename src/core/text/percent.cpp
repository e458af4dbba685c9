// Percent-decoding: see percent.hpp.
#include "core/text/percent.hpp"

#include "core/text/ascii.hpp"

namespace layer7::core {

Result<std::string, PercentError> percent_decode(std::string_view s, PercentRules rules)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '+' && rules.plus_is_space) {
            out.push_back(' ');
            continue;
        }
        if (c != '%') {
            out.push_back(c);
            continue;
        }
        const int high = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
        const int low = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
        if (high < 0 || low < 0) {
            if (!rules.keep_malformed)
                return fail(PercentError::bad_escape);
            out.push_back('%');
            continue;
        }
        const char decoded = static_cast<char>(high * 16 + low);
        if (decoded == '\0' && !rules.allow_nul)
            return fail(PercentError::nul_byte);
        out.push_back(decoded);
        i += 2;
    }
    return out;
}

}  // namespace layer7::core
