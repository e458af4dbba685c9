// The [proxy] service: a forward caching proxy (or, with `origin`, a reverse proxy) on one ADDR,
// its cache in DATA/proxy-cache.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/limits.hpp"
#include "core/net/resolve.hpp"
#include "core/service.hpp"

namespace layer7::http::proxy {

struct Config {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 3128};
    std::string cache_dir;                  // empty: DATA/proxy-cache
    std::uint64_t cache_size = 256u << 20;  // bytes on disk
    std::uint64_t memory_size = 64u << 20;  // hot entries in memory
    std::uint64_t max_object = 16u << 20;   // larger responses are not stored
    std::string origin;                     // reverse-proxy mode: http(s)://host[:port]
    bool h2 = true;                         // clients may speak h2c (prior knowledge or Upgrade)
    bool store_set_cookie = false;          // store responses with Set-Cookie (the cookie is never served)
    std::vector<std::uint16_t> connect_ports{443};
    std::chrono::seconds connect_timeout{10};
    std::chrono::seconds upstream_timeout{30};
    std::chrono::seconds header_timeout{30};
    std::string data_dir = "./layer7-data";
    std::optional<core::HostPort> resolver;    // a DNS resolver for origins' names (the hosts file first)
    std::shared_ptr<core::NameService> names;  // that resolver as a client: the caller builds it
    // max_message: request and response bodies, both streamed through (not held): 1 TiB.
    core::Limits limits{.max_line = 8192,
                        .max_header = 64 * 1024,
                        .max_message = std::size_t(1) << 40,
                        .idle_timeout = std::chrono::seconds(75)};
};

// Reads [proxy]; errors go to the section's diagnostics.
Config parse_config(core::Section section, const std::string& data_dir);
std::unique_ptr<core::Service> make_service(const Config& config);

}  // namespace layer7::http::proxy
