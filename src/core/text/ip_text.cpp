// IP address text: see ip_text.hpp.
#include "core/text/ip_text.hpp"

#include <charconv>
#include <vector>

#include "core/text/ascii.hpp"

namespace layer7::core {

std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text)
{
    std::array<std::uint8_t, 4> out{};
    std::size_t part = 0, i = 0;
    while (part < 4) {
        std::size_t start = i;
        unsigned v = 0;
        while (i < text.size() && is_digit(text[i]) && i - start < 3)
            v = v * 10 + static_cast<unsigned>(text[i++] - '0');
        if (i == start || v > 255 || (i - start > 1 && text[start] == '0'))
            return std::nullopt;  // leading zeros are octal to some parsers: refuse them
        out[part++] = static_cast<std::uint8_t>(v);
        if (part < 4) {
            if (i >= text.size() || text[i] != '.')
                return std::nullopt;
            ++i;
        }
    }
    if (i != text.size())
        return std::nullopt;
    return out;
}

std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text)
{
    std::vector<std::uint16_t> head, tail;
    bool gap = false;
    std::size_t i = 0;
    if (text.substr(0, 2) == "::") {
        gap = true;
        i = 2;
    }
    std::optional<std::array<std::uint8_t, 4>> v4;
    while (i < text.size()) {
        auto& groups = gap ? tail : head;
        std::size_t start = i;
        unsigned v = 0;
        while (i < text.size() && hex_value(text[i]) >= 0 && i - start < 4)
            v = v << 4 | static_cast<unsigned>(hex_value(text[i++]));
        if (i < text.size() && text[i] == '.') {  // trailing dotted IPv4 (RFC 4291 §2.2)
            v4 = parse_ipv4(text.substr(start));
            if (!v4)
                return std::nullopt;
            break;
        }
        if (i == start)
            return std::nullopt;
        groups.push_back(static_cast<std::uint16_t>(v));
        if (i == text.size())
            break;
        if (text[i] != ':')
            return std::nullopt;
        ++i;
        if (i < text.size() && text[i] == ':') {
            if (gap)
                return std::nullopt;
            gap = true;
            ++i;
        } else if (i == text.size()) {
            return std::nullopt;  // trailing single colon
        }
    }
    std::size_t groups = head.size() + tail.size() + (v4 ? 2 : 0);
    if (groups > 8 || (!gap && groups != 8) || (gap && groups == 8))
        return std::nullopt;
    std::array<std::uint8_t, 16> out{};
    std::size_t k = 0;
    for (auto g : head) {
        out[k++] = static_cast<std::uint8_t>(g >> 8);
        out[k++] = static_cast<std::uint8_t>(g);
    }
    k = 16 - tail.size() * 2 - (v4 ? 4 : 0);
    for (auto g : tail) {
        out[k++] = static_cast<std::uint8_t>(g >> 8);
        out[k++] = static_cast<std::uint8_t>(g);
    }
    if (v4)
        std::copy(v4->begin(), v4->end(), out.begin() + 12);
    return out;
}

std::string format_ipv6(const std::array<std::uint8_t, 16>& a)
{
    std::uint16_t g[8];
    for (int i = 0; i < 8; ++i)
        g[i] = static_cast<std::uint16_t>(a[2 * i] << 8 | a[2 * i + 1]);
    int best = -1, best_len = 1;  // RFC 5952 §4.2.2: never shorten a single zero group
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0)
            ++j;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    std::string out;
    char buf[8];
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':')
            out += ':';
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, g[i], 16);
        out.append(buf, end);
    }
    return out;
}

}  // namespace layer7::core
