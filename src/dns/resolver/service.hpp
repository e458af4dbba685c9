// The [resolver] service: `layer7 dns resolve` and the resolver of `layer7 up` — the DNS shell
// (dns/transport) on UDP and TCP serving the resolver's handler (resolver_handler.hpp), which
// answers recursive queries from allowed clients through one IterativeResolver.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/service.hpp"
#include "dns/resolver/iterative_resolver.hpp"
#include "dns/transport/acl.hpp"

namespace layer7::dns::resolver {

struct StubZone {
    std::string zone;                  // "networkutopia.com"
    std::vector<std::string> servers;  // "127.0.0.1:5300"
};

struct ResolverConfig {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 5335};
    bool tcp = true;
    std::string root_hints = "/usr/share/dns/root.hints";      // Debian's dns-root-data
    std::vector<std::string> allow{"127.0.0.0/8", "::1/128"};  // not an open resolver (RFC 5358)
    std::vector<StubZone> stubs;
    // `hierarchy = true`: start from the private root of the same run's [hierarchy] when it serves
    // (its text comes from `private_root` at start); the stub zones are then not used, so every
    // name is iterated from that root. When it does not serve: root_hints and the stubs as usual.
    bool use_hierarchy = false;
    std::function<std::optional<std::string>()> private_root;
    ResolverOptions options;
    std::size_t max_in_flight = 10'000;  // resolutions waiting upstream, per worker; then SERVFAIL
    core::Limits limits{.max_line = 0, .max_connections = 1000, .idle_timeout = std::chrono::seconds(10)};
};

// Reads [resolver] and [[resolver.stub]]; errors go to the section's diagnostics.
ResolverConfig parse_resolver_config(core::Section section);
// Throws core::StartError on start when the hints cannot be read and no stub zone is configured.
std::unique_ptr<core::Service> make_resolver_service(const ResolverConfig& config);

}  // namespace layer7::dns::resolver
