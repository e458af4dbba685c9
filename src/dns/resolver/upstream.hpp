// Upstream exchange: one query to one server over UDP (a fresh socket on a random port, connected
// so the kernel drops datagrams from elsewhere) or TCP (RFC 7766 length prefix), with a deadline.
// Replies whose id or question do not match are ignored and counted (RFC 5452 §9.1).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include "core/net/asio.hpp"
#include "dns/resolver/server_address.hpp"
#include "dns/wire/message.hpp"

namespace layer7::dns::resolver {

struct Exchange {
    std::error_code error;  // timed_out, connection_refused, or a decode failure of the TCP reply
    Message response;
    std::chrono::microseconds rtt{0};
    std::size_t mismatched = 0;  // datagrams ignored: undecodable, wrong id or wrong question
};

asio::ip::udp::endpoint to_udp(const ServerAddress& address);
asio::ip::tcp::endpoint to_tcp(const ServerAddress& address);
ServerAddress from_endpoint(const asio::ip::address& address, std::uint16_t port);

// `query` must have its id set. `max_reply` is the receive buffer (our EDNS size).
core::awaitable<Exchange> exchange_udp(const Message& query, const ServerAddress& server,
                                       std::chrono::milliseconds timeout, std::size_t max_reply);
core::awaitable<Exchange> exchange_tcp(const Message& query, const ServerAddress& server,
                                       std::chrono::milliseconds timeout);

// Cryptographic randomness (OpenSSL): query ids and source ports must not be guessable (RFC 5452 §4).
std::uint32_t random_u32();

}  // namespace layer7::dns::resolver
