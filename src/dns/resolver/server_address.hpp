// ServerAddress: where an upstream name server listens (IPv4 or IPv6 bytes + port), and Delegation:
// a zone and the addresses of its servers (root hints, stub zones). Pure: no asio here.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/wire/name.hpp"
#include "dns/wire/rdata.hpp"

namespace layer7::dns::resolver {

struct ServerAddress {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4
    bool v6 = false;
    std::uint16_t port = 53;

    static ServerAddress from(const A& a, std::uint16_t port = 53);
    static ServerAddress from(const Aaaa& a, std::uint16_t port = 53);
    // "192.0.2.1", "192.0.2.1:5300", "2001:db8::1", "[2001:db8::1]:5300"; nullopt if not a literal.
    static std::optional<ServerAddress> parse(std::string_view text, std::uint16_t default_port = 53);
    std::string to_text() const;  // "192.0.2.1:53", "[2001:db8::1]:53"
    bool operator==(const ServerAddress&) const = default;
};

struct ServerAddressHash {
    std::size_t operator()(const ServerAddress& a) const;
};

// A zone and where to ask about it: the root from the hints, or a stub zone from config.
struct Delegation {
    Name zone;
    std::vector<ServerAddress> servers;
};

}  // namespace layer7::dns::resolver
