// The DNS shell: one UDP loop per worker (recvmmsg/sendmmsg batches, core/net/udp_batch) and one
// coroutine per TCP connection (RFC 7766: length-prefixed messages, several per connection,
// pipelined, answered in order), both feeding a Handler (handler.hpp) — the authority's or the
// resolver's. The rules every DNS server keeps live here once: the TCP framing and its limits,
// the idle timeout on every TCP read, response rate limiting, the ACL hook and the --trace lines.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "core/net/asio.hpp"
#include "dns/transport/handler.hpp"
#include "dns/transport/rrl.hpp"

namespace layer7::core {
class Stream;
}

namespace layer7::dns {

struct ShellOptions {
    RrlConfig rrl;                      // UDP only: TCP sources cannot be spoofed; off by default
    std::uint16_t udp_size = 1232;      // our EDNS size in the replies the shell makes (RRL's slip)
    std::chrono::seconds tcp_idle{10};  // the longest wait for each TCP read (RFC 7766 §6.2.3: seconds)
    std::size_t max_waiting = 10'000;   // answers waiting (Served::later) per UDP worker; then no may_wait
};

class Shell {
public:
    explicit Shell(ShellOptions options) : options_(options), rrl_(options_.rrl) {}

    // One worker's UDP loop; returns when the socket closes. A worker has a handler of its own
    // (its caches need no lock); answers still waiting then keep it alive.
    core::awaitable<void> serve_udp(asio::ip::udp::socket& socket, std::shared_ptr<Handler> handler);
    // The same on a thread of its own, blocked in the receive (core::serve_batches_blocking), for a
    // handler that always answers at once (the authority; queries may not wait: max_waiting is
    // ignored). Returns once `stopping` is set.
    void serve_udp_on_thread(int fd, const std::atomic<bool>& stopping, std::shared_ptr<Handler> handler);
    // One TCP connection, until the client closes, goes idle or breaks the framing. `handler`,
    // shared by the connections of every worker, must outlive them.
    core::awaitable<void> serve_tcp(core::TcpSocket socket, Handler& handler);

    struct UdpWorker;  // one worker's datagram buffers and handler (shell.cpp)

private:
    void on_datagram(UdpWorker& worker, std::size_t slot, std::size_t length);
    void on_batch(UdpWorker& worker, std::size_t received);  // on_datagram for each received
    void answer_later(UdpWorker& worker, const Query& query, std::size_t slot, std::uint64_t trace_id);
    core::awaitable<void> tcp_session(core::Stream& stream, Handler& handler);
    // RRL on a UDP reply about to go to `client`: sent as it is, cut to TC=1, or dropped (emptied).
    void rate_limit(const Client& client, std::span<const std::uint8_t> query, std::vector<std::uint8_t>& reply);

    ShellOptions options_;
    std::mutex rrl_mutex_;
    RateLimiter rrl_;
};

}  // namespace layer7::dns
