// The [hierarchy] service of `layer7 up`: the textbook's root → TLD → authoritative servers
// (hierarchy_zones.hpp), one authoritative server per loopback address on port 53, their zone files
// and root hints written under DATA/dns/. Port 53 is what resolvers and dig +trace dial, so the
// tree is walkable as the book draws it; when it cannot be bound (not root) `up` says so in one line
// and runs without it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/config/config.hpp"
#include "core/service.hpp"
#include "demo/hierarchy_zones.hpp"

namespace layer7::demo {

struct HierarchyConfig {
    bool enabled = true;
    std::string first_address = "127.0.53.2";  // the root; the other servers on the next addresses
    std::uint16_t port = 53;
    // Where the servers listen when not at the addresses the zones and hints name (first_address
    // on): the lab stands its link-emulating relays on those. Empty: at the named ones.
    std::string listen_first_address;
    std::string data_dir = "./layer7-data";  // zones in DATA/dns/hierarchy/, hints in DATA/dns/root.hints
    HierarchyHosts hosts;
    // Called once the servers listen, with the root hints text (the resolver of the same run starts there).
    std::function<void(const std::string& root_hints)> on_serving;
};

// Reads [hierarchy]; errors go to the section's diagnostics.
HierarchyConfig parse_hierarchy_config(core::Section section, const std::string& data_dir);
// The `hierarchy_size` addresses from `first` on ("127.0.53.2" → .2 … .9); nullopt when `first` is
// not IPv4 or the range would leave 127.0.0.0/8.
std::optional<std::array<std::string, hierarchy_size>> hierarchy_addresses(const std::string& first);
std::unique_ptr<core::Service> make_hierarchy_service(const HierarchyConfig& config);

}  // namespace layer7::demo
