// Data-connection addresses on the control connection: PORT/PASV (RFC 959 §4.1.2, h1,h2,h3,h4,p1,p2)
// and EPRT/EPSV (RFC 2428, |proto|addr|port|), plus the IP literal parsing they need (pure).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::ftp {

// An IPv4 or IPv6 address; IPv4 is kept as an IPv4-mapped IPv6 address so both compare alike.
struct IpAddress {
    std::array<std::uint8_t, 16> bytes{};
    bool operator==(const IpAddress&) const = default;
    bool is_v4() const;  // ::ffff:a.b.c.d
};

// "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"; nullopt for anything else (no names, no zones).
std::optional<IpAddress> parse_ip(std::string_view text);
// Dotted quad for IPv4 (mapped or not), RFC 5952 text for IPv6.
std::string to_string(const IpAddress& address);

struct HostPortAddress {
    IpAddress address;
    std::uint16_t port = 0;
    bool operator==(const HostPortAddress&) const = default;
};

// PORT's argument "h1,h2,h3,h4,p1,p2" (also the numbers inside a 227 reply).
std::optional<HostPortAddress> parse_port_argument(std::string_view text);
std::string format_port_argument(const HostPortAddress& hp);  // IPv4 only
// EPRT's argument "|1|132.235.1.2|6275|" or "|2|::1|6275|"; any delimiter in 33..126 (RFC 2428 §2).
enum class EprtError { syntax, unsupported_protocol };
std::optional<HostPortAddress> parse_eprt_argument(std::string_view text, EprtError* error = nullptr);
std::string format_eprt_argument(const HostPortAddress& hp);

// The server's replies to PASV and EPSV.
std::string pasv_reply_text(const HostPortAddress& hp);  // "Entering Passive Mode (h1,h2,h3,h4,p1,p2)."
std::string epsv_reply_text(std::uint16_t port);         // "Entering Extended Passive Mode (|||port|)"
// The client's reading of them: the first "(…)" group, or the first digit run for PASV (RFC 1123 §4.1.2.6).
std::optional<HostPortAddress> parse_pasv_reply(std::string_view text);
std::optional<std::uint16_t> parse_epsv_reply(std::string_view text);

}  // namespace layer7::ftp
