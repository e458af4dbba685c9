// Acl: which client addresses may use the resolver (prefix list, longest match not needed: any
// match allows). An open resolver is an amplification tool (RFC 5358), so the default is loopback.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver/server_address.hpp"

namespace layer7::dns::resolver {

struct Prefix {
    ServerAddress network; // port unused
    unsigned length = 0; // bits
};

// "127.0.0.0/8", "::1/128", or an address alone (a host prefix); nullopt if malformed.
std::optional<Prefix> parse_prefix(std::string_view text);

class Acl {
public:
    Acl() = default;
    explicit Acl(std::vector<Prefix> allow)
        : allow_(std::move(allow))
    {
    }
    // RFC 5358 §4: answer recursive queries only from the networks we serve.
    static Acl loopback();
    // IPv4-mapped IPv6 clients (::ffff:a.b.c.d) are matched as IPv4.
    bool allows(const ServerAddress& client) const;
    const std::vector<Prefix>& prefixes() const { return allow_; }

private:
    std::vector<Prefix> allow_;
};

} // namespace layer7::dns::resolver
