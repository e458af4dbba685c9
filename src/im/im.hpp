// The hybrid instant messenger (the seeds' Skype/IM example): `layer7 im serve` is the central
// index — who is online and at which address, presence pushed to watchers — and `layer7 im NAME`
// is a client that registers there and chats with buddies over direct TCP connections, the index
// not in the path. Protocols: index_codec.hpp.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/limits.hpp"
#include "core/net/asio.hpp"
#include "core/service.hpp"
#include "core/text/host_port.hpp"
#include "im/index_session.hpp"

namespace layer7::im {

struct Config {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 5222};
    IndexPolicy policy;
    std::size_t max_users = 100000;
    std::size_t max_outbox = 256 * 1024;  // bytes queued for one client before it is dropped as too slow
    // Clients PING every client_ping (60 s); three missed pings and the registration ends.
    core::Limits limits{.max_line = 1024, .max_connections = 10000, .idle_timeout = std::chrono::seconds(180)};
};

// Reads [im]; errors go to the section's diagnostics.
Config parse_config(core::Section section);
std::unique_ptr<core::Service> make_service(const Config& config);

class Index;  // the shared directory of one service (server.cpp)
// One index connection, on any worker.
core::awaitable<void> serve_connection(core::TcpSocket socket, asio::ip::tcp::endpoint peer, Index& index);

struct ClientOptions {
    std::string name;
    core::HostPort server{"127.0.0.1", 5222};
    core::HostPort listen{"127.0.0.1", 0};  // our peer port
    std::vector<std::string> buddies;
    std::size_t max_line = 4096;
    std::chrono::seconds timeout{10};  // connecting, to the index and to a buddy
    std::chrono::seconds ping{60};     // how often the index hears from us
};

// Runs the interactive client until /quit or the end of stdin; returns the exit code.
int run_client(const ClientOptions& options);

}  // namespace layer7::im
