// Modified UTF-7: see modified_utf7.hpp.
#include "mail/store/modified_utf7.hpp"

#include <cstdint>
#include <vector>

namespace layer7::mail {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int sextet(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == ',')
        return 63;
    return -1;
}

bool printable(char32_t c)
{
    return c >= 0x20 && c <= 0x7e;
}

// The next code point of UTF-8 `text` at `at` (advanced past it); nullopt for malformed input.
std::optional<char32_t> next_utf8(std::string_view text, std::size_t& at)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    std::size_t length = 0;
    char32_t c = 0, min = 0;
    if (lead < 0x80) {
        ++at;
        return lead;
    } else if ((lead & 0xe0) == 0xc0) {
        length = 2, c = lead & 0x1f, min = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3, c = lead & 0x0f, min = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4, c = lead & 0x07, min = 0x10000;
    } else {
        return std::nullopt;
    }
    if (text.size() - at < length)
        return std::nullopt;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xc0) != 0x80)
            return std::nullopt;
        c = (c << 6) | (byte(at + i) & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return std::nullopt;
    at += length;
    return c;
}

void append_utf8(std::string& out, char32_t c)
{
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xe0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    }
}

// UTF-16 units in modified base64, without padding, closed with '-'.
void append_shifted(std::string& out, const std::vector<std::uint16_t>& units)
{
    out += '&';
    std::uint32_t bits = 0;
    int count = 0;
    for (std::uint16_t u : units) {
        bits = (bits << 16) | u;
        count += 16;
        while (count >= 6) {
            count -= 6;
            out += alphabet[(bits >> count) & 0x3f];
        }
        bits &= (1u << count) - 1;
    }
    if (count > 0)
        out += alphabet[(bits << (6 - count)) & 0x3f];
    out += '-';
}

}  // namespace

std::optional<std::string> encode_modified_utf7(std::string_view text)
{
    std::string out;
    std::vector<std::uint16_t> units;  // the run of characters outside printable ASCII
    for (std::size_t at = 0; at < text.size();) {
        const auto c = next_utf8(text, at);
        if (!c)
            return std::nullopt;
        if (!printable(*c)) {
            if (*c >= 0x10000) {
                units.push_back(static_cast<std::uint16_t>(0xd800 + ((*c - 0x10000) >> 10)));
                units.push_back(static_cast<std::uint16_t>(0xdc00 + ((*c - 0x10000) & 0x3ff)));
            } else {
                units.push_back(static_cast<std::uint16_t>(*c));
            }
            continue;
        }
        if (!units.empty()) {
            append_shifted(out, units);
            units.clear();
        }
        if (*c == '&')
            out += "&-";
        else
            out += static_cast<char>(*c);
    }
    if (!units.empty())
        append_shifted(out, units);  // a name ends in US-ASCII: the '-' is always written
    return out;
}

std::optional<std::string> decode_modified_utf7(std::string_view name)
{
    std::string out;
    bool after_shift = false;  // the last thing read closed a base64 run
    for (std::size_t i = 0; i < name.size();) {
        const char c = name[i];
        if (!printable(static_cast<unsigned char>(c)))
            return std::nullopt;
        if (c != '&') {
            out += c;
            ++i;
            after_shift = false;
            continue;
        }
        if (i + 1 < name.size() && name[i + 1] == '-') {  // "&-" is '&'
            out += '&';
            i += 2;
            after_shift = false;
            continue;
        }
        if (after_shift)  // "-&": a null shift
            return std::nullopt;
        std::size_t j = i + 1;
        std::uint32_t bits = 0;
        int count = 0;
        char32_t high = 0;  // a high surrogate waiting for its pair
        for (; j < name.size() && name[j] != '-'; ++j) {
            const int v = sextet(name[j]);
            if (v < 0)
                return std::nullopt;
            bits = (bits << 6) | static_cast<std::uint32_t>(v);
            count += 6;
            if (count < 16)
                continue;
            count -= 16;
            const char32_t unit = (bits >> count) & 0xffff;
            bits &= (1u << count) - 1;
            if (unit >= 0xd800 && unit <= 0xdbff) {
                if (high)
                    return std::nullopt;
                high = unit;
            } else if (unit >= 0xdc00 && unit <= 0xdfff) {
                if (!high)
                    return std::nullopt;
                append_utf8(out, 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00));
                high = 0;
            } else {
                if (high || printable(unit))  // printable ASCII must stand for itself
                    return std::nullopt;
                append_utf8(out, unit);
            }
        }
        // Unterminated, empty ("&-" was handled above), a partial unit, or stray bits.
        if (j == name.size() || j == i + 1 || count >= 6 || bits != 0 || high)
            return std::nullopt;
        i = j + 1;
        after_shift = true;
    }
    return out;
}

}  // namespace layer7::mail
