// Character classes and list syntax shared by every HTTP field parser (RFC 9110 §5.6).
// Pure and allocation-free: everything here works on string_views into the caller's bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/text/ascii.hpp"

namespace layer7::http {

namespace detail {
// Bit 1: tchar (RFC 9110 §5.6.2). Bit 2: field-vchar or obs-text (§5.5). Bit 4: hex digit.
// Bit 8: any octet of a field value (bit 2, SP or HTAB), one lookup per byte of every field.
constexpr std::array<std::uint8_t, 256> make_char_table()
{
    std::array<std::uint8_t, 256> t{};
    for (int c = 0x21; c <= 0x7e; ++c)
        t[c] |= 2;
    for (int c = 0x80; c <= 0xff; ++c)
        t[c] |= 2;
    for (unsigned char c : std::string_view("!#$%&'*+-.^_`|~"))
        t[c] |= 1;
    for (int c = '0'; c <= '9'; ++c)
        t[c] |= 1 | 4;
    for (int c = 'a'; c <= 'z'; ++c)
        t[c] |= 1;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[c] |= 1;
    for (int c = 'a'; c <= 'f'; ++c)
        t[c] |= 4;
    for (int c = 'A'; c <= 'F'; ++c)
        t[c] |= 4;
    for (int c = 0; c <= 0xff; ++c)
        if ((t[c] & 2) || c == ' ' || c == '\t')
            t[c] |= 8;
    return t;
}
inline constexpr auto char_table = make_char_table();
}  // namespace detail

inline bool is_tchar(char c)
{
    return detail::char_table[static_cast<unsigned char>(c)] & 1;
}
inline bool is_field_vchar(char c)
{
    return detail::char_table[static_cast<unsigned char>(c)] & 2;
}
inline bool is_hex_digit(char c)
{
    return detail::char_table[static_cast<unsigned char>(c)] & 4;
}
inline bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}
// ASCII case rules of field names, tokens and schemes, and hex digits' values.
using core::hex_value;
using core::iequals;
using core::to_lower;

// A non-empty run of tchar (method names, field names, transfer codings, directive names).
bool is_token(std::string_view s);
// Every byte is field-vchar, obs-text, SP or HTAB (RFC 9110 §5.5; CR, LF and NUL are not).
bool is_field_value(std::string_view s);
// Removes leading and trailing SP/HTAB.
std::string_view trim_ows(std::string_view s);

// Iterates the elements of a comma-separated list (RFC 9110 §5.6.1): empty elements are skipped,
// each element is OWS-trimmed, commas inside quoted-strings do not split.
class ListReader {
public:
    explicit ListReader(std::string_view list) : rest_(list) {}
    // Stores the next non-empty element; false when the list is exhausted.
    bool next(std::string_view& element);

private:
    std::string_view rest_;
};

// Unquotes a quoted-string (RFC 9110 §5.6.4) starting at s[0] == '"'; sets `consumed` to its length.
// Returns false if unterminated or holding a forbidden byte.
bool parse_quoted_string(std::string_view s, std::string& out, std::size_t& consumed);

}  // namespace layer7::http
