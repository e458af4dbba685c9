// Base64 (RFC 4648 §4) with a strict decoder.
#include "core/bytes/base64.hpp"

#include <array>

namespace layer7::core {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_table()
{
    std::array<std::int8_t, 256> table{};
    for (auto& v : table)
        v = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}
constexpr auto table = make_table();

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> data)
{
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        std::uint32_t v = data[i] << 16 | data[i + 1] << 8 | data[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6)
            out.push_back(alphabet[v >> shift & 63]);
    }
    const std::size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t v = data[i] << 16 | (rest == 2 ? data[i + 1] << 8 : 0);
        out.push_back(alphabet[v >> 18 & 63]);
        out.push_back(alphabet[v >> 12 & 63]);
        out.push_back(rest == 2 ? alphabet[v >> 6 & 63] : '=');
        out.push_back('=');
    }
    return out;
}

std::string base64_encode(std::string_view data)
{
    return base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::size_t pad = 0;
    if (!text.empty() && text.back() == '=')
        pad = text[text.size() - 2] == '=' ? 2 : 1;
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const std::size_t digits = last ? 4 - pad : 4;
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            std::int8_t d = 0;
            if (k < digits) {
                d = table[static_cast<unsigned char>(text[i + k])];
                if (d < 0)
                    return std::nullopt;  // also catches '=' in the middle
            }
            v = v << 6 | static_cast<std::uint32_t>(d);
        }
        out.push_back(static_cast<std::uint8_t>(v >> 16));
        if (digits >= 3)
            out.push_back(static_cast<std::uint8_t>(v >> 8));
        if (digits == 4)
            out.push_back(static_cast<std::uint8_t>(v));
        // RFC 4648 §3.5: the bits dropped by padding must be zero in canonical text.
        if ((digits == 2 && (v & 0xffff) != 0) || (digits == 3 && (v & 0xff) != 0))
            return std::nullopt;
    }
    return out;
}

std::string base64_decode_lenient(std::string_view text)
{
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t bits = 0;
    int count = 0;
    for (char c : text) {
        if (c == '=')
            break;
        const std::int8_t d = table[static_cast<unsigned char>(c)];
        if (d < 0)
            continue;
        bits = bits << 6 | static_cast<std::uint32_t>(d);
        if (++count == 4) {
            out.push_back(static_cast<char>(bits >> 16));
            out.push_back(static_cast<char>(bits >> 8 & 0xff));
            out.push_back(static_cast<char>(bits & 0xff));
            bits = 0;
            count = 0;
        }
    }
    // A last group of 2 or 3 sextets carries 1 or 2 bytes; a lone sextet carries none.
    if (count >= 2) {
        bits <<= 6 * (4 - count);
        out.push_back(static_cast<char>(bits >> 16));
        if (count == 3)
            out.push_back(static_cast<char>(bits >> 8 & 0xff));
    }
    return out;
}

}  // namespace layer7::core
