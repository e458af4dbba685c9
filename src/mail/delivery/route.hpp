// Where a domain's mail goes (pure): static routes from the config (tests, smart hosts), and the
// RFC 5321 §5.1 ordering of MX records — ascending preference, equal preferences shuffled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/host_port.hpp"

namespace layer7::mail::delivery {

struct MxHost {
    std::uint16_t preference = 0;
    std::string name;  // without the trailing dot
    bool operator==(const MxHost&) const = default;
};

struct StaticRoute {
    std::string domain;  // lower case; "*" matches every remote domain (a smart host)
    core::HostPort next_hop;
};

// The exact domain's route, else "*", else nullopt (case-insensitive).
std::optional<core::HostPort> find_route(const std::vector<StaticRoute>& routes, std::string_view domain);

// Host names to try, best first. `seed` shuffles equal preferences (load spreading, §5.1).
std::vector<std::string> order_mx(std::vector<MxHost> hosts, std::uint64_t seed);
// RFC 7505: a single MX "." (preference 0) says the domain accepts no mail.
bool is_null_mx(const std::vector<MxHost>& hosts);

// The domain of "local@domain", lower case ("" when there is no '@').
std::string domain_of(std::string_view address);
// The local part of "local@domain" (quotes kept as in the address).
std::string local_part_of(std::string_view address);

}  // namespace layer7::mail::delivery
