// What the DNS shell hands a handler (handler.hpp) for each message, and where the answer goes:
// the query's bytes, who sent them and over what in; the reply's bytes out. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace layer7::dns {

enum class Transport { udp, tcp };

// Who sent a query: an IPv4 or IPv6 address (4 or 16 octets) and a port.
struct Client {
    std::array<std::uint8_t, 16> bytes{};
    std::uint8_t size = 4;
    std::uint16_t port = 0;
    std::span<const std::uint8_t> address() const { return {bytes.data(), size}; }
};

struct Query {
    std::span<const std::uint8_t> wire;  // one whole message, as received
    const Client& client;
    Transport transport;
    bool allowed;   // the ACL's word on this client (Handler::allows): if not, refuse or drop
    bool may_wait;  // false when this worker already has its limit of answers waiting: answer now
};

// Where a handler puts its answer: one message in `wire`, which arrives empty and is a buffer the
// shell reuses (a cached reply costs no allocation); left empty, nothing is sent. Over TCP an
// answer may be a stream of messages (a zone transfer, RFC 5936 §2.2): those after `wire` go to
// `more`, which is null over UDP.
struct Reply {
    std::vector<std::uint8_t>& wire;
    std::vector<std::vector<std::uint8_t>>* more = nullptr;
};

}  // namespace layer7::dns
