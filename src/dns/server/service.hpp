// The [dns] service: the authoritative server built from its config section (or `layer7 dns serve`
// flags), with zone loading at start and on SIGHUP, dynamic update, NOTIFY and secondary zones.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/service.hpp"
#include "dns/server/zone_policy.hpp"
#include "dns/transport/rrl.hpp"
#include "dns/zone/zone_parser.hpp"

namespace layer7::dns {

struct ServiceConfig {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 5300};
    std::vector<std::string> zones;            // "FILE" or "ORIGIN=FILE"
    std::vector<EmbeddedZone> embedded_zones;  // served beside the files, from memory
    std::vector<std::string> acl;              // prefixes that may query; empty: everybody
    std::vector<std::string> axfr_allow;       // prefixes that may AXFR; empty: nobody
    RrlConfig rrl;                             // responses_per_second 0: off
    DynamicSettings dynamic;                   // TSIG keys, UPDATE grants, NOTIFY, secondary zones
    std::string data_dir = "./layer7-data";    // secondary zones are kept in DATA/dns/secondary/
    bool udp = true, tcp = true;
    core::Limits limits{.max_connections = 10000, .idle_timeout = std::chrono::seconds(10)};
};

// Reads [dns]; with no `zones` (and no `secondary`) the `fallback` zones are served (`up`: the
// textbook's, demo/zones.hpp). Errors go to the diagnostics.
ServiceConfig parse_config(core::Section section, const std::string& data_dir = "./layer7-data",
                           const std::vector<EmbeddedZone>& fallback = {});
// Throws core::StartError when a zone does not load or a listener cannot open.
std::unique_ptr<core::Service> make_service(const ServiceConfig& config);

}  // namespace layer7::dns
