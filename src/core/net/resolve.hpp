// Turning ADDR strings into socket endpoints: literal addresses for listeners, name lookups
// (the system resolver) for clients.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "core/net/asio.hpp"
#include "core/text/host_port.hpp"
#include "core/text/hosts_file.hpp"

namespace layer7::core {

// An IP literal, or "localhost" as 127.0.0.1; nullopt for anything needing a lookup.
std::optional<asio::ip::address> literal_address(const std::string& host);
// A listener's address must be a literal: a server should not depend on DNS to start.
std::optional<asio::ip::tcp::endpoint> tcp_endpoint(const HostPort& hp);
std::optional<asio::ip::udp::endpoint> udp_endpoint(const HostPort& hp);
// The hosts file every client consults before the system resolver (`--hosts`, [runtime] hosts).
// Set once at start-up, before any worker thread looks a name up.
void use_hosts(HostsTable table);
// The valid addresses the hosts file lists for `host`, in file order; empty when it lists none.
std::vector<asio::ip::address> hosts_addresses(const std::string& host);
// Looks the host up (unless literal): the hosts file first, then the system resolver; errors as values.
awaitable<std::pair<std::error_code, std::vector<asio::ip::tcp::endpoint>>> resolve_tcp(const HostPort& hp);
// Connects to the first endpoint of `hp` that answers, lookup included, within `timeout`
// (asio::error::timed_out after it: a black-holed address must not hang a client for the
// kernel's two-minute SYN retries). `hp` must outlive the call.
awaitable<std::pair<std::error_code, asio::ip::tcp::socket>> connect_tcp(const HostPort& hp,
                                                                         std::chrono::steady_clock::duration timeout);

}  // namespace layer7::core
