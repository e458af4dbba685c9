// Runtime: one io_context per worker thread; every listener is opened once per worker with
// SO_REUSEPORT so the kernel spreads connections and nothing crosses threads on the hot path.
// Owns the signals: SIGTERM/SIGINT stop gracefully, SIGHUP runs the reload hooks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "core/net/asio.hpp"

namespace layer7::core {

using TcpHandler = std::function<awaitable<void>(asio::ip::tcp::socket)>;
// The same, also given the peer's address as accept(2) returned it (no getpeername per connection).
using TcpPeerHandler = std::function<awaitable<void>(asio::ip::tcp::socket, asio::ip::tcp::endpoint)>;
// Runs on one worker for the life of the service; returns when the socket is closed at stop.
using UdpLoop = std::function<awaitable<void>(asio::ip::udp::socket&)>;

// Who sends the first bytes on a new connection. When it is the client (HTTP, TLS, DNS over TCP)
// the listener sets TCP_DEFER_ACCEPT: the kernel completes the handshake but queues the connection
// for accept only once its first bytes have arrived, so the first read finds them (no wake-up for
// an empty socket, no read that says EAGAIN). A client that stays silent is handed over after about
// a second anyway and meets the service's own timeouts. Servers that greet (SMTP, POP3, FTP) must not.
enum class FirstSpeaker { server, client };

class Runtime {
public:
    explicit Runtime(unsigned threads);
    ~Runtime();
    Runtime(const Runtime&) = delete;

    unsigned size() const { return static_cast<unsigned>(workers_.size()); }

    // Opens `endpoint` on every worker and runs `handler` for each accepted connection.
    // Beyond max_connections (across workers) a new connection is closed at once.
    // Returns the bound endpoint (its port filled in when 0 was asked), or the error.
    // Accepted sockets come with TCP_NODELAY already on: it is set on the listener and Linux
    // passes it on to each accepted socket.
    std::pair<std::error_code, asio::ip::tcp::endpoint> listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                  std::size_t max_connections,
                                                                  TcpHandler handler,
                                                                  FirstSpeaker first = FirstSpeaker::server);
    // The same for a handler that takes the peer's address too.
    std::pair<std::error_code, asio::ip::tcp::endpoint> listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                  std::size_t max_connections,
                                                                  TcpPeerHandler handler,
                                                                  FirstSpeaker first = FirstSpeaker::server);
private:
    template <class Handler>
    std::pair<std::error_code, asio::ip::tcp::endpoint> listen_tcp_with(const asio::ip::tcp::endpoint& endpoint,
                                                                        std::size_t max_connections,
                                                                        Handler handler, FirstSpeaker first);

public:
    // Opens a UDP socket on `endpoint` on every worker and runs `loop` on each.
    std::pair<std::error_code, asio::ip::udp::endpoint> listen_udp(const asio::ip::udp::endpoint& endpoint,
                                                                  UdpLoop loop);
    // Called on SIGHUP, on the main thread.
    void on_reload(std::function<void()> hook) { reload_hooks_.push_back(std::move(hook)); }
    // Called once stop begins (after the listeners close), on the main thread.
    void on_stop(std::function<void()> hook) { stop_hooks_.push_back(std::move(hook)); }

    // Runs the workers until SIGTERM/SIGINT (or stop()); then stops accepting, lets in-flight
    // connections finish for up to `grace`, and returns.
    void run(std::chrono::milliseconds grace = std::chrono::milliseconds(1500));
    // Asks run() to stop, from any thread.
    void stop();

private:
    struct Worker;
    void begin_stop();

    std::vector<std::unique_ptr<Worker>> workers_;
    asio::io_context control_;  // signals, on the main thread
    asio::signal_set signals_;
    std::vector<std::function<void()>> reload_hooks_;
    std::vector<std::function<void()>> stop_hooks_;
    std::atomic<bool> stopping_{false};
};

}  // namespace layer7::core
