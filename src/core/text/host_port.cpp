// host:port parsing: see host_port.hpp.
#include "core/text/host_port.hpp"

#include <charconv>

namespace layer7::core {

namespace {
std::optional<std::uint16_t> parse_port(std::string_view s)
{
    unsigned value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}
}  // namespace

std::optional<HostPort> parse_host_port(std::string_view text, std::optional<std::uint16_t> default_port)
{
    HostPort hp;
    std::string_view rest;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        hp.host = std::string(text.substr(1, close - 1));
        rest = text.substr(close + 1);
        if (hp.host.empty() || (!rest.empty() && !rest.starts_with(':')))
            return std::nullopt;
    } else {
        const auto colon = text.rfind(':');
        if (colon != std::string_view::npos && text.find(':') != colon)
            return std::nullopt;  // a bare IPv6 literal needs brackets to carry a port
        hp.host = std::string(text.substr(0, colon));
        if (colon != std::string_view::npos)
            rest = text.substr(colon);
    }
    if (hp.host.empty())
        return std::nullopt;
    if (rest.empty()) {
        if (!default_port)
            return std::nullopt;
        hp.port = *default_port;
        return hp;
    }
    auto port = parse_port(rest.substr(1));
    if (!port)
        return std::nullopt;
    hp.port = *port;
    return hp;
}

std::string to_string(const HostPort& hp)
{
    if (hp.host.find(':') != std::string::npos)
        return "[" + hp.host + "]:" + std::to_string(hp.port);
    return hp.host + ":" + std::to_string(hp.port);
}

}  // namespace layer7::core
