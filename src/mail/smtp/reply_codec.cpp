// SMTP enhanced status codes: see reply_codec.hpp.
#include "mail/smtp/reply_codec.hpp"
#include "core/text/ascii.hpp"

namespace layer7::mail::smtp {

std::string_view enhanced_code(std::string_view text)
{
    // class "." subject "." detail: 1 digit, 1–3 digits, 1–3 digits (RFC 3463 §2).
    std::size_t i = 0;
    if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
        return {};
    i = 2;
    for (int group = 0; group < 2; ++group) {
        const std::size_t start = i;
        while (i < text.size() && core::is_digit(text[i]) && i - start < 3)
            ++i;
        if (i == start)
            return {};
        if (group == 0) {
            if (i >= text.size() || text[i] != '.')
                return {};
            ++i;
        }
    }
    if (i < text.size() && text[i] != ' ')
        return {};
    return text.substr(0, i);
}

}  // namespace layer7::mail::smtp
