// Character classes and list syntax of RFC 9110 §5.6.
#include "http/message/token.hpp"

namespace layer7::http {

bool is_token(std::string_view s)
{
    if (s.empty())
        return false;
    for (char c : s)
        if (!is_tchar(c))
            return false;
    return true;
}

bool is_field_value(std::string_view s)
{
    for (char c : s)
        if (!(detail::char_table[static_cast<unsigned char>(c)] & 8))
            return false;
    return true;
}

std::string_view trim_ows(std::string_view s)
{
    while (!s.empty() && is_ows(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back()))
        s.remove_suffix(1);
    return s;
}

bool ListReader::next(std::string_view& element)
{
    while (!rest_.empty()) {
        std::size_t i = 0;
        bool quoted = false;
        for (; i < rest_.size(); ++i) {
            char c = rest_[i];
            if (quoted && c == '\\') {
                ++i;  // quoted-pair: skip the escaped byte
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                break;
            }
        }
        std::string_view item = trim_ows(rest_.substr(0, i));
        rest_ = i < rest_.size() ? rest_.substr(i + 1) : std::string_view{};
        if (!item.empty()) {
            element = item;
            return true;
        }
    }
    return false;
}

bool parse_quoted_string(std::string_view s, std::string& out, std::size_t& consumed)
{
    out.clear();
    if (s.empty() || s[0] != '"')
        return false;
    for (std::size_t i = 1; i < s.size(); ++i) {
        char c = s[i];
        if (c == '"') {
            consumed = i + 1;
            return true;
        }
        if (c == '\\') {
            if (++i == s.size())
                return false;
            c = s[i];
        }
        if (!is_field_vchar(c) && !is_ows(c))
            return false;
        out.push_back(c);
    }
    return false;
}

}  // namespace layer7::http
