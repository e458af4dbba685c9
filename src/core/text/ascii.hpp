// ASCII character helpers (pure), the one copy every protocol uses. Protocol text is ASCII and its
// case rules are ASCII's (RFC 9110 field names, SMTP/IMAP/POP3/FTP verbs, DNS names, MIME tokens):
// unlike <cctype> these ignore the C locale and take any char, negative ones included.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace layer7::core {

constexpr bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
constexpr bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}
constexpr bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}
constexpr bool is_alpha(char c)
{
    return is_upper(c) || is_lower(c);
}
constexpr char to_lower(char c)
{
    return is_upper(c) ? static_cast<char>(c + ('a' - 'A')) : c;
}
constexpr char to_upper(char c)
{
    return is_lower(c) ? static_cast<char>(c - ('a' - 'A')) : c;
}

// The value of a hexadecimal digit (either case), or -1.
constexpr int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    const char l = to_lower(c);
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

// ASCII case-insensitive equality.
constexpr bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return to_lower(x) == to_lower(y); });
}

inline std::string to_lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = to_lower(c);
    return out;
}

inline std::string to_upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = to_upper(c);
    return out;
}

}  // namespace layer7::core
