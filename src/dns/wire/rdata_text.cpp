// Presentation-text helpers: TTL units, character-strings, IPv4/IPv6 addresses, quoting.
#include "dns/wire/rdata_text.hpp"
#include "core/text/ascii.hpp"

#include <charconv>
#include <vector>

namespace layer7::dns {
namespace {

}  // namespace

std::optional<std::uint32_t> parse_ttl(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    std::uint64_t total = 0;
    std::size_t i = 0;
    bool units = false;
    while (i < text.size()) {
        std::uint64_t n = 0;
        std::size_t start = i;
        while (i < text.size() && core::is_digit(text[i])) {
            n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
            if (n > 0xffffffffull)
                return std::nullopt;
            ++i;
        }
        if (i == start)
            return std::nullopt;
        if (i == text.size()) {
            if (units)
                return std::nullopt;  // "1h30": BIND wants a unit on every part once one is used
            total += n;
            break;
        }
        std::uint64_t scale = 0;
        switch (text[i] | 0x20) {
        case 's': scale = 1; break;
        case 'm': scale = 60; break;
        case 'h': scale = 3600; break;
        case 'd': scale = 86400; break;
        case 'w': scale = 604800; break;
        default: return std::nullopt;
        }
        units = true;
        total += n * scale;
        ++i;
        if (total > 0xffffffffull)
            return std::nullopt;
    }
    if (total > 0xffffffffull)
        return std::nullopt;
    return static_cast<std::uint32_t>(total);
}

std::optional<std::string> parse_character_string(std::string_view text)
{
    auto out = unescape_text(text);
    if (out && out->size() > 255)
        return std::nullopt;
    return out;
}

std::optional<std::string> unescape_text(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 1 >= text.size())
            return std::nullopt;
        if (core::is_digit(text[i + 1])) {
            if (i + 3 >= text.size() || !core::is_digit(text[i + 2]) || !core::is_digit(text[i + 3]))
                return std::nullopt;
            int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
            if (v > 255)
                return std::nullopt;
            out.push_back(static_cast<char>(v));
            i += 3;
        } else {
            out.push_back(text[++i]);
        }
    }
    return out;
}

std::string quote_string(std::string_view octets)
{
    std::string out = "\"";
    for (unsigned char c : octets) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20 || c > 0x7e) {
            out.push_back('\\');
            out.push_back(static_cast<char>('0' + c / 100));
            out.push_back(static_cast<char>('0' + c / 10 % 10));
            out.push_back(static_cast<char>('0' + c % 10));
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
    return out;
}

}  // namespace layer7::dns
