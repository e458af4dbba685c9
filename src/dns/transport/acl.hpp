// Address prefixes for access lists ("127.0.0.1", "10.0.0.0/8", "fd00::/8"): who may query the
// authority or the resolver (an open resolver is an amplification tool, RFC 5358), who may
// transfer a zone (RFC 5936 §6 leaves AXFR policy to the operator). Pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace layer7::dns {

struct Prefix {
    std::array<std::uint8_t, 16> bytes{};
    std::uint8_t family_octets = 4;                              // 4 or 16
    unsigned length = 32;                                        // bits
    bool contains(std::span<const std::uint8_t> address) const;  // 4 or 16 octets
};

// An address alone is a host prefix (/32, /128); nullopt for anything else.
std::optional<Prefix> parse_prefix(std::string_view text);

class Acl {
public:
    Acl() = default;  // empty
    explicit Acl(std::vector<Prefix> prefixes) : prefixes_(std::move(prefixes)) {}
    bool empty() const { return prefixes_.empty(); }
    // Whether a prefix holds the address (none when empty); an IPv4-mapped IPv6 address
    // (::ffff:a.b.c.d) is matched as the IPv4 address it carries.
    bool contains(std::span<const std::uint8_t> address) const;
    // The same, but an empty list allows everybody.
    bool allows(std::span<const std::uint8_t> address) const;

private:
    std::vector<Prefix> prefixes_;
};

}  // namespace layer7::dns
