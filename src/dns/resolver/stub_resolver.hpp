// StubResolver: the Resolver that asks one recursive server and lets it do the work (RFC 1035
// §7, RD set), as a host's stub asks the nameserver of /etc/resolv.conf. No cache of its own: the
// server has one. The exchange is dns/client's (tries, TC → TCP); --trace shows each query and the
// server's answer, as the iterative resolver's steps are shown.
#pragma once

#include <chrono>
#include <cstdint>

#include "dns/resolver/resolver.hpp"

namespace layer7::dns::resolver {

struct StubOptions {
    std::chrono::milliseconds timeout{2000};  // per try: the server may be iterating
    int tries = 2;                            // UDP sends before giving up
    std::uint16_t edns_size = 1232;           // DNS flag day 2020: no IP fragmentation
};

class StubResolver final : public Resolver {
public:
    explicit StubResolver(asio::ip::udp::endpoint server, StubOptions options = {});

    // The server's NOERROR or NXDOMAIN reply; servers_failed for any other rcode (SERVFAIL,
    // REFUSED) or a failed exchange, timed_out when no reply came.
    core::awaitable<core::Result<Message, ResolveError>> resolve(Name name, RrType type) override;

private:
    asio::ip::udp::endpoint server_;
    StubOptions options_;
};

}  // namespace layer7::dns::resolver
