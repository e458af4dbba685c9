// The authoritative server's I/O shell: one UDP loop per worker (recvmmsg/sendmmsg batches) and one
// coroutine per TCP connection (RFC 7766: length-prefixed, several queries, pipelining, idle
// timeout), both feeding responder.hpp. Zones sit behind an atomically swapped pointer, so SIGHUP
// replaces them between two queries without dropping any.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "core/net/asio.hpp"
#include "dns/authority/answer.hpp"
#include "dns/server/acl.hpp"
#include "dns/server/rrl.hpp"
#include "dns/server/zone_store.hpp"

namespace layer7::core {
class Stream;
}

namespace layer7::dns {

class Control;  // control.hpp

struct ServerOptions {
    AnswerOptions answer;
    Control *control = nullptr;  // the slow path: UPDATE, NOTIFY, transfers, signed queries; null: none
    Acl query_acl;   // who may query; empty: everybody
    Acl axfr_allow;  // who may transfer zones; empty: nobody (REFUSED)
    RrlConfig rrl;   // UDP only: TCP sources cannot be spoofed
    std::chrono::seconds tcp_idle{10};  // RFC 7766 §6.2.3: on the order of seconds
};

class Server {
public:
    Server(ZoneStore &zones, ServerOptions options) : zones_(zones), options_(std::move(options)), rrl_(options_.rrl) {}

    // One worker's UDP loop; returns when the socket closes.
    core::awaitable<void> serve_udp(asio::ip::udp::socket &socket);
    // One TCP connection, until the client closes, goes idle, or breaks the framing.
    core::awaitable<void> serve_tcp(core::TcpSocket socket);

    struct Batch;  // one worker's datagram buffers (server.cpp)

private:
    void handle_datagram(Batch &batch, std::size_t slot, std::size_t length, const ZoneSet &zones);
    core::awaitable<void> tcp_session(core::Stream &stream);
    // Appends the framed reply (or the framed AXFR stream) to one TCP query to `out`.
    void answer_tcp(std::span<const std::uint8_t> query, std::span<const std::uint8_t> address,
                    const ZoneSet &zones, std::uint64_t trace_id, std::vector<std::uint8_t> &out);
    RrlAction rate_limit(std::span<const std::uint8_t> address);

    ZoneStore &zones_;
    ServerOptions options_;
    std::mutex rrl_mutex_;
    RateLimiter rrl_;
};

}  // namespace layer7::dns
