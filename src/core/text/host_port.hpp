// host:port and [v6]:port parsing for ADDR arguments and config values (pure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::core {

struct HostPort {
    std::string host;  // without brackets
    std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:53", "localhost:25". With default_port, "host" alone is accepted too.
std::optional<HostPort> parse_host_port(std::string_view text, std::optional<std::uint16_t> default_port = {});
// The ADDR form again: brackets around IPv6 literals.
std::string to_string(const HostPort& hp);

}  // namespace layer7::core
