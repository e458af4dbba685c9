// One DNS exchange with one server (RFC 1035 §4.2): UDP from a fresh socket on a random port with a
// random id, tries and a timeout per try, a reply accepted only if it matches the query; over TCP
// when asked or when the UDP reply is truncated (RFC 7766 §5); a zone transfer reads every message.
// With a TSIG key the query is signed and every reply message checked (RFC 8945 §5.3).
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/net/asio.hpp"
#include "dns/tsig/tsig.hpp"
#include "dns/wire/message.hpp"
#include "dns/wire/tcp_framing.hpp"

namespace layer7::dns {

struct ExchangeOptions {
    bool tcp = false;
    bool retry_tcp_on_tc = true;
    std::chrono::milliseconds timeout{5000};  // per try
    int tries = 3;                            // UDP sends before giving up
    bool transfer = false;                    // AXFR/IXFR: read messages until the transfer ends
    const TsigKey* tsig = nullptr;            // sign the query, and accept only replies signed back
};

struct Exchange {
    std::string error;  // empty on success: "timed out", "connection refused"…
    Message reply;
    std::size_t size = 0;          // octets of the reply (of all its messages)
    std::size_t messages = 1;      // a zone transfer's messages, their answers joined in `reply`
    bool tcp = false;              // the reply came over TCP
    bool truncated_first = false;  // a UDP reply had TC and TCP was tried
    long elapsed_ms = 0;           // of the exchange that produced `reply`
};

// Runs on the calling thread's io_context; the query's id is used as given.
core::awaitable<Exchange> exchange(const asio::ip::address& server, std::uint16_t port, const Message& query,
                                   const ExchangeOptions& options);

// The next message from a DNS server over TCP (RFC 7766 §8): reads until `framer` holds a whole
// one, valid until the framer's next feed. The error is the read's (eof: the server closed), or
// errc::bad_message after a length no message can have (framer.error() says which).
core::awaitable<std::pair<std::error_code, std::span<const std::uint8_t>>> read_message(asio::ip::tcp::socket& socket,
                                                                                        TcpFramer& framer);

// A random 16-bit query id (RFC 5452 §4: unpredictable).
std::uint16_t random_id();

}  // namespace layer7::dns
