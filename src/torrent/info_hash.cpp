// InfoHash text forms: see info_hash.hpp.
#include "torrent/info_hash.hpp"
#include "core/text/ascii.hpp"

#include <cstring>

namespace layer7::torrent {

namespace {
constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32_digit(char c)
{
    if (c >= 'a' && c <= 'z')
        c = static_cast<char>(c - 'a' + 'A');
    const auto at = base32_alphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}
}  // namespace

std::optional<InfoHash> InfoHash::from_raw(std::string_view raw)
{
    InfoHash h;
    if (raw.size() != h.bytes.size())
        return std::nullopt;
    std::memcpy(h.bytes.data(), raw.data(), raw.size());
    return h;
}

std::string InfoHash::hex() const
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::optional<InfoHash> InfoHash::from_hex(std::string_view text)
{
    InfoHash h;
    if (text.size() != 2 * h.bytes.size())
        return std::nullopt;
    for (std::size_t i = 0; i < h.bytes.size(); ++i) {
        const int hi = core::hex_value(text[2 * i]), lo = core::hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        h.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return h;
}

// 160 bits are exactly 32 base32 digits of 5 bits: no padding, no partial group.
std::string InfoHash::base32() const
{
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (std::uint8_t b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out += base32_alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    return out;
}

std::optional<InfoHash> InfoHash::from_base32(std::string_view text)
{
    InfoHash h;
    if (text.size() != 32)
        return std::nullopt;
    unsigned buffer = 0;
    int bits = 0;
    std::size_t at = 0;
    for (char c : text) {
        const int d = base32_digit(c);
        if (d < 0)
            return std::nullopt;
        buffer = (buffer << 5) | static_cast<unsigned>(d);
        bits += 5;
        if (bits >= 8) {
            h.bytes[at++] = static_cast<std::uint8_t>(buffer >> (bits - 8));
            bits -= 8;
        }
    }
    return h;
}

}  // namespace layer7::torrent
