// The [rtsp] service: the RTSP control port (TCP), our RTP/RTCP UDP port pair, the live hub and
// the media root files are played from.
#pragma once

#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/limits.hpp"
#include "core/service.hpp"
#include "core/text/host_port.hpp"
#include "rtsp/server.hpp"

namespace layer7::rtsp {

struct RtspConfig {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 8554};
    std::uint16_t rtp_port = 8000;               // RTCP on rtp_port + 1 (RFC 3550 §11)
    std::string media_root;                      // "" = live paths only
    std::optional<core::HostPort> stats_listen;  // the HTTP stats page (readers' RTCP reports); none = off
    ServerOptions options;
    std::size_t max_connections = 1000;
};

// Reads [rtsp]; errors go to the section's diagnostics.
RtspConfig parse_rtsp_config(core::Section section);
std::unique_ptr<core::Service> make_rtsp_service(const RtspConfig& config);

}  // namespace layer7::rtsp
