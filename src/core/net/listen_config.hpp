// The keys every listening service's section starts with, read in one place (DESIGN.md §4, §6):
//   enabled = true        false: the section is checked, its service does not run
//   listen = "HOST:PORT"  an IP literal or localhost: a server must not depend on DNS to start
//   [<service>.limits]    core::Limits over the service's own defaults
// Here and not in core/config because the address check is asio's (a v6 zone index included).
#pragma once

#include <optional>
#include <string_view>

#include "core/config/config.hpp"

namespace layer7::core {

// `key` as a listener's address (over `fallback` when absent); a host that is no IP literal and not
// localhost is an error at `key`.
HostPort parse_listen_address(Section& section, std::string_view key, const HostPort& fallback);
// The same for a listener that can be off (SMTP submission, RTSP's stats page): "" turns it off.
std::optional<HostPort> parse_optional_listen_address(Section& section, std::string_view key,
                                                      const std::optional<HostPort>& fallback);

// `enabled`, `listen` and [<service>.limits], each over the value passed in.
void parse_service_keys(Section& section, bool& enabled, HostPort& listen, Limits& limits);

}  // namespace layer7::core
