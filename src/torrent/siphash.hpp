// SipHash-2-4 (Aumasson & Bernstein, 2012): a keyed 64-bit PRF, used to mint UDP tracker connection
// ids that a client cannot forge for an address it does not receive at (pure).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace layer7::torrent {

using SipKey = std::array<std::uint8_t, 16>;

std::uint64_t siphash24(const SipKey& key, std::string_view data);

}  // namespace layer7::torrent
