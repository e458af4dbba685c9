// AAC over RTP: see aac.hpp.
#include "rtp/aac.hpp"

#include <algorithm>
#include <cstdio>

#include "core/text/ascii.hpp"

namespace layer7::rtp::aac {

namespace {
constexpr std::size_t max_au_size = (1u << 13) - 1;  // sizelength=13
}

std::vector<std::vector<std::uint8_t>> packetize(std::span<const std::uint8_t> au, std::size_t max_payload)
{
    std::vector<std::vector<std::uint8_t>> payloads;
    if (au.empty() || au.size() > max_au_size || max_payload <= 4)
        return payloads;
    const std::size_t chunk = max_payload - 4;
    for (std::size_t at = 0; at < au.size(); at += chunk) {
        const std::size_t n = std::min(chunk, au.size() - at);
        std::vector<std::uint8_t> p{0x00, 0x10,  // AU-headers-length: 16 bits
                                    static_cast<std::uint8_t>(au.size() >> 5),
                                    static_cast<std::uint8_t>((au.size() & 0x1f) << 3)};  // index 0
        p.insert(p.end(), au.begin() + static_cast<std::ptrdiff_t>(at),
                 au.begin() + static_cast<std::ptrdiff_t>(at + n));
        payloads.push_back(std::move(p));
    }
    return payloads;
}

std::vector<std::span<const std::uint8_t>> depacketize(std::span<const std::uint8_t> payload)
{
    std::vector<std::span<const std::uint8_t>> aus;
    if (payload.size() < 2)
        return aus;
    const std::size_t header_bits = static_cast<std::size_t>(payload[0]) << 8 | payload[1];
    const std::size_t header_bytes = (header_bits + 7) / 8;
    if (header_bits % 16 != 0 || 2 + header_bytes > payload.size())
        return aus;
    std::size_t data = 2 + header_bytes;
    for (std::size_t h = 2; h < 2 + header_bytes; h += 2) {
        const std::size_t size = (static_cast<std::size_t>(payload[h]) << 8 | payload[h + 1]) >> 3;
        if (size > payload.size() - data)
            return {};  // a fragment (or garbage): not a whole AU
        aus.push_back(payload.subspan(data, size));
        data += size;
    }
    return aus;
}

std::string fmtp(std::span<const std::uint8_t> config)
{
    std::string hex;
    for (auto b : config) {
        char two[3];
        std::snprintf(two, sizeof two, "%02X", b);
        hex += two;
    }
    return "profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=" + hex;
}

std::vector<std::uint8_t> audio_specific_config(std::string_view line)
{
    // parameters are "name=value" separated by ';', names case-insensitive (RFC 3640 §4.1)
    while (!line.empty()) {
        const std::size_t end = std::min(line.find(';'), line.size());
        std::string_view item = line.substr(0, end);
        line.remove_prefix(std::min(end + 1, line.size()));
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || !core::iequals(item.substr(0, eq), "config"))
            continue;
        const std::string_view hex = item.substr(eq + 1);
        std::vector<std::uint8_t> config;
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
            const int high = core::hex_value(hex[i]), low = core::hex_value(hex[i + 1]);
            if (high < 0 || low < 0)
                return {};
            config.push_back(static_cast<std::uint8_t>(high << 4 | low));
        }
        if (hex.size() % 2 != 0)
            return {};
        return config;
    }
    return {};
}

}  // namespace layer7::rtp::aac
