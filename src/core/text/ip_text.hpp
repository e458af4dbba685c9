// IP address text (pure: written by hand, so that pure code needs no <arpa/inet.h>), the one copy
// for zone files and dig (A/AAAA), FTP's EPRT/EPSV and PORT, and whoever prints an address.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::core {

// Dotted quad; leading zeros are refused (octal to some parsers).
std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text);
// RFC 4291 §2.2 text: up to 8 groups, one "::", a dotted IPv4 tail; no zone index.
std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text);
// RFC 5952 §4: lower case, no leading zeros, the longest run of two or more zero groups (the
// first on a tie) as "::".
std::string format_ipv6(const std::array<std::uint8_t, 16>& address);

}  // namespace layer7::core
