// The socket-programming chapter's example: TCPServer / UDPServer that upper-case what they get,
// serving any number of clients at once, and the matching client.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/config/config.hpp"
#include "core/net/asio.hpp"
#include "core/service.hpp"

namespace layer7::echo {

struct Config {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 12000};
    bool tcp = true;
    bool udp = true;
    core::Limits limits{.idle_timeout = std::chrono::seconds(60)};
};

// Reads [echo]; errors go to the section's diagnostics.
Config parse_config(core::Section section);
std::unique_ptr<core::Service> make_service(const Config& config);

// One TCP connection: whatever bytes arrive go back upper-cased as they arrive (no line framing).
core::awaitable<void> serve_connection(core::TcpSocket socket, const Config& config);
// One worker's UDP loop: each datagram back upper-cased to its sender.
core::awaitable<void> serve_udp(asio::ip::udp::socket& socket);

// The client: sends `text` (a line over TCP, a datagram over UDP) and prints the reply.
// Returns the process exit code.
int send(const core::HostPort& server, const std::string& text, bool udp, std::chrono::seconds timeout);

}  // namespace layer7::echo
