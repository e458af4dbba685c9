// InfoHash: the 20-byte SHA-1 that names a v1 torrent (BEP 3), and its text forms: 40 hex digits
// and the 32-letter base32 some magnet links carry (RFC 4648 §6, no padding) (pure).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::torrent {

struct InfoHash {
    std::array<std::uint8_t, 20> bytes{};

    // The 20 raw bytes, as trackers and the peer handshake carry them.
    std::string_view raw() const { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }
    static std::optional<InfoHash> from_raw(std::string_view raw);
    std::string hex() const;  // lower case
    static std::optional<InfoHash> from_hex(std::string_view text);
    std::string base32() const;  // upper case
    static std::optional<InfoHash> from_base32(std::string_view text);

    auto operator<=>(const InfoHash&) const = default;
};

}  // namespace layer7::torrent
