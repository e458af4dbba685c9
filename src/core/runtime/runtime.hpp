// Runtime: one io_context per worker thread; every listener is opened once per worker with
// SO_REUSEPORT so the kernel spreads connections and nothing crosses threads on the hot path.
// Owns the signals: SIGTERM/SIGINT stop gracefully, SIGHUP runs the reload hooks, and the pool
// that every service's disk waits (fsync) run on.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/limits.hpp"
#include "core/net/asio.hpp"
#include "core/runtime/blocking_pool.hpp"

namespace layer7::core {

using TcpHandler = std::function<awaitable<void>(TcpSocket)>;
// The same, also given the peer's address as accept(2) returned it (no getpeername per connection).
using TcpPeerHandler = std::function<awaitable<void>(TcpSocket, asio::ip::tcp::endpoint)>;
class ConnectionCount;

// A connection counted against its service's Admission until this is destroyed (move-only). It
// lets a connection outlive the coroutine that accepted it (see TcpAdmittedHandler).
class Admitted {
public:
    using ClientCount = std::pair<const asio::ip::address, std::size_t>;
    // Holds `count` (a reference of its own) and `client`, the per-client entry the admission
    // counted the connection in (null when it counts none).
    Admitted(ConnectionCount& count, ClientCount* client);
    Admitted(Admitted&& other) noexcept
        : count_(std::exchange(other.count_, nullptr)), client_(std::exchange(other.client_, nullptr))
    {
    }
    Admitted& operator=(Admitted&&) = delete;
    ~Admitted();

private:
    // Two plain pointers, not a shared_ptr and an address: an idle HTTP connection keeps this
    // (issue 23 counts its bytes).
    ConnectionCount* count_;
    ClientCount* client_;
};
// Called, on the worker's thread, with each accepted connection and its admission: the service
// starts its own work for it and keeps `Admitted` as long as the connection lives. For a service
// that holds idle connections without a coroutine (HTTP/1.1 keep-alive).
using TcpAdmittedHandler = std::function<void(TcpSocket, asio::ip::tcp::endpoint, Admitted)>;
// Runs on one worker for the life of the service; returns when the socket is closed at stop.
using UdpLoop = std::function<awaitable<void>(asio::ip::udp::socket&)>;
// Runs on a thread of its own, beside one worker, with a blocking socket's descriptor; returns
// once `stopping` is set (stop or retire shut the socket down, which wakes a blocked receive).
using UdpThreadLoop = std::function<void(int fd, const std::atomic<bool>& stopping)>;

// Who sends the first bytes on a new connection. When it is the client (HTTP, TLS, DNS over TCP)
// the listener sets TCP_DEFER_ACCEPT: the kernel completes the handshake but queues the connection
// for accept only once its first bytes have arrived, so the first read finds them (no wake-up for
// an empty socket, no read that says EAGAIN). A client that stays silent is handed over after about
// a second anyway and meets the service's own timeouts. Servers that greet (SMTP, POP3, FTP) must not.
enum class FirstSpeaker { server, client };

// Who gets a connection: at most `max_connections` per service (across workers) and
// `max_per_client` per client address (0: no such limit; loopback exempt unless
// `per_client_loopback`). A refused connection is sent `busy` (the protocol's "too busy"
// reply, best effort, may be empty) and closed; refusals are logged at most once a second.
struct Admission {
    Admission(std::size_t max) : max_connections(max) {}  // NOLINT: a plain count still means this
    Admission(const Limits& limits, std::string busy_reply = {})
        : max_connections(limits.max_connections), max_per_client(limits.max_per_client),
          per_client_loopback(limits.per_client_loopback), busy(std::move(busy_reply))
    {
    }
    std::size_t max_connections;
    std::size_t max_per_client = 0;
    bool per_client_loopback = false;
    std::string busy;
};

class Runtime {
public:
    // `threads` workers (0: one per core) and `blocking_threads` for the blocking pool.
    explicit Runtime(unsigned threads, std::size_t blocking_threads = BlockingPool::default_threads);
    ~Runtime();
    Runtime(const Runtime&) = delete;

    unsigned size() const { return static_cast<unsigned>(workers_.size()); }
    // Where services run their fsyncs and other disk waits (run_blocking). It outlives the services'
    // connections: run() joins it once the workers have stopped.
    BlockingPool& blocking() { return blocking_; }

    // Opens `endpoint` on every worker and runs `handler` for each accepted connection.
    // A connection the admission refuses is closed at once.
    // Returns the bound endpoint (its port filled in when 0 was asked), or the error.
    // Accepted sockets come with TCP_NODELAY already on: it is set on the listener and Linux
    // passes it on to each accepted socket.
    std::pair<std::error_code, asio::ip::tcp::endpoint> listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                   const Admission& admission, TcpHandler handler,
                                                                   FirstSpeaker first = FirstSpeaker::server);
    // The same for a handler that takes the peer's address too.
    std::pair<std::error_code, asio::ip::tcp::endpoint> listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                   const Admission& admission, TcpPeerHandler handler,
                                                                   FirstSpeaker first = FirstSpeaker::server);
    std::pair<std::error_code, asio::ip::tcp::endpoint> listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                   const Admission& admission,
                                                                   TcpAdmittedHandler handler,
                                                                   FirstSpeaker first = FirstSpeaker::server);

private:
    template <class Handler>
    std::pair<std::error_code, asio::ip::tcp::endpoint> listen_tcp_with(const asio::ip::tcp::endpoint& endpoint,
                                                                        const Admission& admission, Handler handler,
                                                                        FirstSpeaker first);

public:
    // Opens a UDP socket on `endpoint` on every worker and runs `loop` on each. Datagrams go to
    // workers by their sender (the kernel's hash), or with `spread_by_first_word` by their first 16
    // bits (a DNS id: one busy sender is then served by every worker; see core/net/udp_spread).
    std::pair<std::error_code, asio::ip::udp::endpoint> listen_udp(const asio::ip::udp::endpoint& endpoint,
                                                                   UdpLoop loop, bool spread_by_first_word = false);
    // The same with a thread per worker that waits in the receive itself (serve_batches_blocking in
    // core/net/udp_batch.hpp): for a loop that never waits on anything but its socket.
    std::pair<std::error_code, asio::ip::udp::endpoint> listen_udp_on_threads(const asio::ip::udp::endpoint& endpoint,
                                                                              UdpThreadLoop loop,
                                                                              bool spread_by_first_word = false);
    // Called on SIGHUP, on the main thread.
    void on_reload(std::function<void()> hook) { reload_hooks_.push_back({owner_, std::move(hook)}); }
    // Called once stop begins (after the listeners close), on the main thread; also when the
    // owner is retired.
    void on_stop(std::function<void()> hook) { stop_hooks_.push_back({owner_, std::move(hook)}); }
    // Called when a stop (SIGTERM, SIGINT, stop()) is asked, before any listener closes, on the main
    // thread: a service that takes its leave through another one (the demo seed telling the tracker
    // "stopped") does so and then calls `done`, from any thread. Listeners close once every such
    // hook has called it, or after before_stop_limit. Not called when the owner is retired (on_stop is).
    using BeforeStop = std::function<void(std::function<void()> done)>;
    void before_stop(BeforeStop hook) { before_stop_hooks_.push_back({owner_, std::move(hook)}); }
    static constexpr std::chrono::seconds before_stop_limit{5};
    // A worker's io_context (0 ≤ worker < size()), for a service's own long-lived task (a seeding
    // peer); it runs until stop, then drains like the connections.
    asio::io_context& context(std::size_t worker);

    // Reload support. Listeners and hooks registered from now on belong to `owner` (a service).
    void set_owner(const void* owner) { owner_ = owner; }
    // The owner being started: a service tags its streams with it (Stream::set_owner), so that
    // retiring it tells its connections to finish.
    const void* owner() const { return owner_; }
    // A new owner may take over the addresses `old_owner` listens on: its TCP listening sockets
    // stay open and feed the new owner (no queued connection is reset); its UDP sockets are
    // joined (SO_REUSEPORT) and close when it is retired.
    void allow_handover(const void* old_owner) { handover_.push_back(old_owner); }
    void end_handover() { handover_.clear(); }
    // Closes the listeners of `owner`, runs its stop hooks and forgets its reload hooks. Its
    // connections in flight go on to their next message boundary (see core::retire_streams): the
    // owner must outlive them (layer7 keeps retired services).
    void retire(const void* owner);
    // Run on SIGHUP after the reload hooks, on the main thread (layer7 up: read the config again).
    void on_reconfigure(std::function<void()> hook) { reconfigure_ = std::move(hook); }

    // Runs the workers until SIGTERM/SIGINT (or stop()); then stops accepting, closes the
    // connections waiting between messages, lets transfers in flight finish for up to the
    // drain limit, cuts the rest, finishes the blocking work queued and returns.
    void run();
    // How long run() lets transfers in flight finish after a stop (default 30 s).
    void set_drain_limit(std::chrono::milliseconds limit) { drain_limit_ = limit; }
    // Asks run() to stop, from any thread.
    void stop();

private:
    struct Worker;
    void begin_stop();
    void close_and_drain();  // begin_stop, once the before_stop hooks are done

    struct Hook {
        const void* owner;
        std::function<void()> run;
    };
    struct Held {  // a listener, for handover and retire
        enum Kind { tcp, tcp_peer, tcp_admitted, udp };
        std::uint64_t id = 0;
        const void* owner = nullptr;
        int kind = tcp;
        asio::ip::tcp::endpoint endpoint;          // a UDP one is kept as the same address and port
        std::vector<std::shared_ptr<void>> slots;  // TCP: one accept slot per worker
        // What the slots point at (Handler, ConnectionCount), and before a takeover, so that
        // retiring the new owner of a failed reload gives the sockets back to the old one.
        std::shared_ptr<void> handler, count;
        const void* previous_owner = nullptr;
        std::shared_ptr<void> previous_handler, previous_count;
        std::function<void(std::size_t worker, std::shared_ptr<void> handler, std::shared_ptr<void> count)> point;
    };
    // The listener of an owner being replaced at this address, of this kind; nullptr if none.
    Held* handed_over(const asio::ip::address& address, unsigned short port, int kind);
    // Probes `endpoint` (port 0: picks one) and records it as held by the current owner.
    template <class Socket, class Endpoint>
    std::pair<std::error_code, Endpoint> claim(Endpoint endpoint, int kind);
    static void add_closer(Worker& worker, std::uint64_t listener, std::function<void()> close);
    void join_udp_threads();  // once every closer has run, or to end them all (~Runtime)

    std::vector<std::unique_ptr<Worker>> workers_;
    BlockingPool blocking_;
    asio::io_context control_;  // signals, on the main thread
    asio::signal_set signals_;
    std::vector<Hook> reload_hooks_;
    std::vector<Hook> stop_hooks_;
    struct BeforeStopHook {
        const void* owner;
        BeforeStop run;
    };
    std::vector<BeforeStopHook> before_stop_hooks_;
    std::function<void()> reconfigure_;
    const void* owner_ = nullptr;
    std::chrono::milliseconds drain_limit_ = std::chrono::seconds(30);
    std::vector<const void*> handover_;
    std::vector<Held> held_;
    std::uint64_t next_listener_ = 1;
    std::atomic<bool> stopping_{false};
};

}  // namespace layer7::core
