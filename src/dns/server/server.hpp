// The authoritative server: the authority's handler (authority_handler.hpp) served by the DNS
// shell (dns/transport/shell.hpp) over UDP and TCP. Zones sit behind an atomically swapped
// pointer, so SIGHUP replaces them between two queries without dropping any.
#pragma once

#include <atomic>
#include <chrono>

#include "core/net/asio.hpp"
#include "dns/server/authority_handler.hpp"
#include "dns/transport/shell.hpp"

namespace layer7::dns {

// The authority's options and the shell's.
struct ServerOptions : AuthorityOptions {
    RrlConfig rrl;                      // UDP only: TCP sources cannot be spoofed
    std::chrono::seconds tcp_idle{10};  // RFC 7766 §6.2.3: on the order of seconds
};

class Server {
public:
    Server(ZoneStore& zones, const ServerOptions& options);

    // One worker's UDP loop (with a handler of its own); returns when the socket closes.
    core::awaitable<void> serve_udp(asio::ip::udp::socket& socket);
    // The same on a thread of its own (core::Runtime::listen_udp_on_threads).
    void serve_udp_on_thread(int fd, const std::atomic<bool>& stopping);
    // One TCP connection, until the client closes, goes idle, or breaks the framing.
    core::awaitable<void> serve_tcp(core::TcpSocket socket);

private:
    ZoneStore& zones_;
    AuthorityOptions authority_;
    Shell shell_;
    AuthorityHandler tcp_handler_;
};

}  // namespace layer7::dns
