// The [tracker] service: the HTTP tracker (announce, scrape, stats page) on a TCP port and the UDP
// tracker (BEP 15) on the same port number over UDP, sharing one swarm table.
#pragma once

#include <memory>

#include "core/config/config.hpp"
#include "core/service.hpp"
#include "torrent/tracker.hpp"

namespace layer7::torrent {

struct TrackerConfig {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 6969};
    bool http = true;
    bool udp = true;
    bool seed_demo = true;  // `layer7 up` seeds the demo site's images through it (demo/torrent_seed.hpp)
    TrackerPolicy policy;
    core::Limits limits{.max_line = 8192,
                        .max_header = 16 * 1024,
                        .max_message = 0,
                        .idle_timeout = std::chrono::seconds(30)};
};

// Reads [tracker]; errors go to the section's diagnostics.
TrackerConfig parse_tracker_config(core::Section section);
std::unique_ptr<core::Service> make_tracker_service(const TrackerConfig& config);

}  // namespace layer7::torrent
