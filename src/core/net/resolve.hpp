// Turning ADDR strings into socket endpoints: literal addresses for listeners, name lookups
// (the system resolver) for clients.
#pragma once

#include <chrono>
#include <optional>
#include <string>
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
// Opens `acceptor` on `endpoint` (address reuse on, so a restart can bind at once) and listens.
std::error_code listen_on(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& endpoint,
                          int backlog = asio::socket_base::max_listen_connections);
// The hosts file every client consults before the system resolver (`--hosts`, [runtime] hosts).
// Set once at start-up, before any worker thread looks a name up.
void use_hosts(HostsTable table);
// The valid addresses the hosts file lists for `host`, in file order; empty when it lists none.
std::vector<asio::ip::address> hosts_addresses(const std::string& host);

// A name service a client may ask instead of the system resolver: the project's own DNS resolver,
// so the proxy of `layer7 up` knows the textbook's names (core knows no DNS: dns/client implements it).
class NameService {
public:
    virtual ~NameService() = default;
    // The addresses of `host`; asio::error::host_not_found when it has none.
    virtual awaitable<std::pair<std::error_code, std::vector<asio::ip::address>>> lookup(std::string host) = 0;
};

// Looks the host up (unless literal): the hosts file first, then `names` when given (its answer is
// final: no second try with the system resolver), else the system resolver; errors as values.
awaitable<std::pair<std::error_code, std::vector<asio::ip::tcp::endpoint>>> resolve_tcp(const HostPort& hp,
                                                                                        NameService* names = nullptr);
// Connects to the first endpoint of `hp` that answers, lookup included, within `timeout`
// (asio::error::timed_out after it: a black-holed address must not hang a client for the
// kernel's two-minute SYN retries). `hp` (and `names`) must outlive the call.
awaitable<std::pair<std::error_code, TcpSocket>> connect_tcp(const HostPort& hp,
                                                             std::chrono::steady_clock::duration timeout,
                                                             NameService* names = nullptr);

}  // namespace layer7::core
