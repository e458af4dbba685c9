// ServerAddress text forms, on core/text/ip_text (pure).
#include "dns/resolver/server_address.hpp"

#include <algorithm>
#include <charconv>

#include "core/text/ip_text.hpp"

namespace layer7::dns::resolver {

ServerAddress ServerAddress::from(const A& a, std::uint16_t port)
{
    ServerAddress s;
    std::copy(a.address.begin(), a.address.end(), s.bytes.begin());
    s.port = port;
    return s;
}

ServerAddress ServerAddress::from(const Aaaa& a, std::uint16_t port)
{
    ServerAddress s;
    s.bytes = a.address;
    s.v6 = true;
    s.port = port;
    return s;
}

std::optional<ServerAddress> ServerAddress::parse(std::string_view text, std::uint16_t default_port)
{
    std::uint16_t port = default_port;
    std::string_view host = text;
    auto take_port = [&](std::string_view digits) {
        unsigned v = 0;
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || v == 0 || v > 65535)
            return false;
        port = static_cast<std::uint16_t>(v);
        return true;
    };
    if (text.starts_with("[")) {
        auto close = text.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        host = text.substr(1, close - 1);
        std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && (!rest.starts_with(":") || !take_port(rest.substr(1))))
            return std::nullopt;
    } else if (auto colon = text.find(':'); colon != std::string_view::npos && text.find(':', colon + 1) == text.npos) {
        host = text.substr(0, colon);
        if (!take_port(text.substr(colon + 1)))
            return std::nullopt;
    }
    if (auto v4 = core::parse_ipv4(host))
        return from(A{*v4}, port);
    if (auto v6 = core::parse_ipv6(host))
        return from(Aaaa{*v6}, port);
    return std::nullopt;
}

std::string ServerAddress::to_text() const
{
    std::string out;
    if (!v6) {
        for (int i = 0; i < 4; ++i)
            out += (i ? "." : "") + std::to_string(bytes[i]);
        return out + ":" + std::to_string(port);
    }
    return "[" + core::format_ipv6(bytes) + "]:" + std::to_string(port);
}

std::size_t ServerAddressHash::operator()(const ServerAddress& a) const
{
    std::size_t h = a.v6 ? 0x9e3779b97f4a7c15ull : 0;
    for (auto b : a.bytes)
        h = (h ^ b) * 0x100000001b3ull;
    return h ^ a.port;
}

}  // namespace layer7::dns::resolver
