// Acl: prefix matching over IPv4 and IPv6 addresses.
#include "dns/resolver/acl.hpp"

#include <algorithm>
#include <charconv>

namespace layer7::dns::resolver {

std::optional<Prefix> parse_prefix(std::string_view text)
{
    auto slash = text.find('/');
    std::string host(text.substr(0, slash));
    auto address = ServerAddress::parse(host.find(':') != std::string::npos ? "[" + host + "]" : host);
    if (!address)
        return std::nullopt;
    unsigned max = address->v6 ? 128 : 32, length = max;
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
        if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || length > max)
            return std::nullopt;
    }
    return Prefix{*address, length};
}

Acl Acl::loopback()
{
    return Acl({*parse_prefix("127.0.0.0/8"), *parse_prefix("::1/128")});
}

bool Acl::allows(const ServerAddress& client) const
{
    ServerAddress c = client;
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (c.v6 && std::equal(mapped, mapped + 12, c.bytes.begin())) {
        std::copy(c.bytes.begin() + 12, c.bytes.end(), c.bytes.begin());
        std::fill(c.bytes.begin() + 4, c.bytes.end(), 0);
        c.v6 = false;
    }
    for (const auto& p : allow_) {
        if (p.network.v6 != c.v6)
            continue;
        unsigned full = p.length / 8, rest = p.length % 8;
        if (!std::equal(p.network.bytes.begin(), p.network.bytes.begin() + full, c.bytes.begin()))
            continue;
        if (rest != 0) {
            auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
            if ((p.network.bytes[full] & mask) != (c.bytes[full] & mask))
                continue;
        }
        return true;
    }
    return false;
}

} // namespace layer7::dns::resolver
