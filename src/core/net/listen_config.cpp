// The keys every listening service reads: see listen_config.hpp.
#include "core/net/listen_config.hpp"

#include "core/net/resolve.hpp"

namespace layer7::core {

HostPort parse_listen_address(Section& section, std::string_view key, const HostPort& fallback)
{
    HostPort address = section.address(key, fallback);
    if (!literal_address(address.host))
        section.error(key, "the address must be an IP literal or localhost");
    return address;
}

std::optional<HostPort> parse_optional_listen_address(Section& section, std::string_view key,
                                                      const std::optional<HostPort>& fallback)
{
    if (section.string(key, fallback ? to_string(*fallback) : "").empty())
        return std::nullopt;
    return parse_listen_address(section, key, fallback.value_or(HostPort{}));
}

void parse_service_keys(Section& section, bool& enabled, HostPort& listen, Limits& limits)
{
    enabled = section.boolean("enabled", enabled);
    listen = parse_listen_address(section, "listen", listen);
    limits = section.limits(limits);
}

}  // namespace layer7::core
