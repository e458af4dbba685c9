// Runtime: see runtime.hpp.
#include "core/runtime/runtime.hpp"

#include "core/net/stream.hpp"
#include "core/net/udp_spread.hpp"
#include "core/net/worker_slots.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <type_traits>
#include <utility>
#include <thread>

#include <spdlog/spdlog.h>

namespace layer7::core {

// The socket of a UdpThreadLoop, held by its thread: the descriptor closes as the loop returns.
// Whoever stops it holds it meanwhile, so nobody shuts down a number closed and reused.
struct UdpThreadSocket {
    explicit UdpThreadSocket(int descriptor) : fd(descriptor) {}
    UdpThreadSocket(const UdpThreadSocket&) = delete;
    ~UdpThreadSocket() { ::close(fd); }
    // Tells the loop to end and wakes its receive; once.
    void stop()
    {
        if (!stopping.exchange(true, std::memory_order_acq_rel))
            ::shutdown(fd, SHUT_RDWR);  // ENOTCONN on an unconnected socket, but it wakes the receive
    }
    const int fd;
    std::atomic<bool> stopping{false};
};

struct Runtime::Worker {
    asio::io_context context{1};  // one thread per context: asio may skip locking
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    struct Closer {
        std::uint64_t listener;  // Runtime::Held::id
        std::function<void()> close;
    };
    std::vector<Closer> closers;  // close this worker's listening sockets
    std::thread thread;
    struct UdpThread {
        std::thread thread;
        std::weak_ptr<UdpThreadSocket> socket;
    };
    std::vector<UdpThread> udp_threads;  // listen_udp_on_threads's, joined when the runtime ends
};

// One shared count per TCP service: the limits are service-wide, across workers.
class ConnectionCount {
public:
    // The listener's slots share one reference through the shared_ptr; each Admitted holds one
    // more, so a connection that outlives its listener (a reload) still counts itself out.
    static std::shared_ptr<ConnectionCount> make(Admission admission)
    {
        return {new ConnectionCount(std::move(admission)), [](ConnectionCount* count) { count->unref(); }};
    }
    void ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
    void unref()
    {
        if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }

    // Counts a new connection in, or says why it is refused: `refused` is set, or else `client` is
    // the per-client entry it was counted in (null when there is no per-client limit for it).
    struct Verdict {
        const char* refused = nullptr;
        Admitted::ClientCount* client = nullptr;
    };
    Verdict admit(const asio::ip::address& client)
    {
        if (live_.fetch_add(1, std::memory_order_relaxed) >= admission_.max_connections) {
            live_.fetch_sub(1, std::memory_order_relaxed);
            return {"connection limit"};
        }
        if (!per_client(client))
            return {};
        std::lock_guard lock(mutex_);
        auto& mine = *clients_.try_emplace(client, 0).first;  // nodes stay put: Admitted keeps a pointer
        if (mine.second >= admission_.max_per_client) {       // max_per_client > 0 here: the entry is not new
            live_.fetch_sub(1, std::memory_order_relaxed);
            return {"per-client connection limit"};
        }
        ++mine.second;
        return {nullptr, &mine};
    }
    void release(Admitted::ClientCount* client)
    {
        live_.fetch_sub(1, std::memory_order_relaxed);
        if (!client)
            return;
        std::lock_guard lock(mutex_);
        if (--client->second == 0) {
            const asio::ip::address address = client->first;  // erase must not read the node it frees
            clients_.erase(address);
        }
    }
    // A refused connection: the protocol's "too busy" line, then close. A flood of refusals is
    // logged once a second, with how many there were.
    void refuse(TcpSocket& socket, const asio::ip::tcp::endpoint& peer, const char* why, unsigned port)
    {
        if (!admission_.busy.empty())
            ::send(socket.native_handle(), admission_.busy.data(), admission_.busy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        std::error_code ignored;
        socket.close(ignored);
        const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        const auto last = last_log_.load(std::memory_order_relaxed);
        const auto second =
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::seconds(1)).count();
        if (now - last < second) {
            suppressed_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        last_log_.store(now, std::memory_order_relaxed);
        const auto more = suppressed_.exchange(0, std::memory_order_relaxed);
        spdlog::warn("port {}: {} reached; refused {}{}", port, why, peer.address().to_string(),
                     more ? fmt::format(" (and {} more in the last second)", more) : std::string());
    }

private:
    explicit ConnectionCount(Admission admission) : admission_(std::move(admission)) {}
    bool per_client(const asio::ip::address& client) const
    {
        return admission_.max_per_client > 0 && (admission_.per_client_loopback || !client.is_loopback());
    }

    Admission admission_;
    std::atomic<std::size_t> refs_{1};
    std::atomic<std::size_t> live_{0};
    std::mutex mutex_;
    std::unordered_map<asio::ip::address, std::size_t> clients_;
    std::atomic<std::chrono::steady_clock::rep> last_log_{0};
    std::atomic<std::size_t> suppressed_{0};
};

Admitted::Admitted(ConnectionCount& count, ClientCount* client) : count_(&count), client_(client)
{
    count.ref();
}

Admitted::~Admitted()
{
    if (count_) {  // null once moved from
        count_->release(client_);
        count_->unref();
    }
}

namespace {

// asio treats a socket it did not open itself as a possible dup(2): it sets O_NONBLOCK with an
// ioctl on the first operation and takes the descriptor out of epoll (EPOLL_CTL_DEL) before closing
// it. A socket fresh from accept4(SOCK_NONBLOCK) needs neither, and saying so saves two system calls
// per connection. The flags are asio's own (detail layer), reached through basic_socket's protected
// member by a pointer-to-member taken in a derived class.
struct FreshSocket : TcpSocket {
    static void mark(TcpSocket& s)
    {
        namespace ops = asio::detail::socket_ops;
        auto& state = (s.*&FreshSocket::impl_).get_implementation().state_;
        state = static_cast<ops::state_type>((state | ops::internal_non_blocking) & ~ops::possible_dup);
    }
};

// Takes one connection waiting on `acceptor` (non-blocking, close-on-exec, `peer` filled in); a
// closed socket when the queue is empty. EMFILE and friends come back as the error.
std::pair<std::error_code, TcpSocket> accept_one(asio::ip::tcp::acceptor& acceptor, asio::ip::tcp::endpoint& peer)
{
    TcpSocket socket(io_context_of(acceptor.get_executor()));
    for (;;) {
        socklen_t length = static_cast<socklen_t>(peer.capacity());
        const int fd = ::accept4(acceptor.native_handle(), peer.data(), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;  // a connection reset while queued: take the next
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return {std::error_code{}, std::move(socket)};
            return {std::error_code(errno, asio::error::get_system_category()), std::move(socket)};
        }
        peer.resize(length);
        std::error_code ec;
        socket.assign(peer.protocol(), fd, ec);
        if (ec) {
            ::close(fd);
            return {ec, std::move(socket)};
        }
        FreshSocket::mark(socket);
        return {std::error_code{}, std::move(socket)};
    }
}

// What one worker's acceptor hands its connections to. A reload that keeps the address points
// the slot at the new service (on the worker's thread), so the listening socket never closes and
// no connection in its queue is reset.
template <class Handler>
struct Slot {
    std::shared_ptr<Handler> handler;
    std::shared_ptr<ConnectionCount> count;
};

// Handler is TcpHandler, TcpPeerHandler or TcpAdmittedHandler; the peer's address comes with
// accept(2) for free.
template <class Handler>
awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor, std::shared_ptr<Slot<Handler>> slot)
{
    auto executor = co_await asio::this_coro::executor;
    for (;;) {
        // The listener is edge-triggered in asio's epoll: wait, then take everything queued.
        auto [wait_ec] = co_await acceptor.async_wait(asio::ip::tcp::acceptor::wait_read, use_tuple);
        if (wait_ec == asio::error::operation_aborted || !acceptor.is_open())
            co_return;
        for (;;) {
            asio::ip::tcp::endpoint peer;
            auto [ec, socket] = accept_one(acceptor, peer);
            if (ec) {
                // EMFILE and friends: back off briefly instead of spinning on the error.
                spdlog::warn("accept on {}: {}", acceptor.local_endpoint().port(), ec.message());
                asio::steady_timer pause(executor, std::chrono::milliseconds(50));
                co_await pause.async_wait(use_tuple);
                break;
            }
            if (!socket.is_open())
                break;  // nothing left in the queue
            auto count = slot->count;
            auto handler = slot->handler;
            const auto verdict = count->admit(peer.address());
            if (verdict.refused) {
                count->refuse(socket, peer, verdict.refused, acceptor.local_endpoint().port());
                continue;
            }
            auto* client = verdict.client;
            if constexpr (std::is_same_v<Handler, TcpAdmittedHandler>)
                (*handler)(std::move(socket), peer, Admitted(*count, client));
            else if constexpr (std::is_same_v<Handler, TcpPeerHandler>)
                asio::co_spawn(
                    executor,
                    [count, client, handler, s = std::move(socket), peer]() mutable -> awaitable<void> {
                        Admitted admitted(*count, client);
                        co_await (*handler)(std::move(s), peer);
                    },
                    asio::detached);
            else
                asio::co_spawn(
                    executor,
                    [count, client, handler, s = std::move(socket), peer]() mutable -> awaitable<void> {
                        Admitted admitted(*count, client);
                        co_await (*handler)(std::move(s));
                    },
                    asio::detached);
        }
    }
}

}  // namespace

// The worker's own thread keeps its list: a reload adds listeners while the workers run.
void Runtime::add_closer(Worker& worker, std::uint64_t listener, std::function<void()> close)
{
    asio::post(worker.context, [&worker, listener, close = std::move(close)]() mutable {
        worker.closers.push_back({listener, std::move(close)});
    });
}

namespace {

template <class Socket, class Endpoint>
std::error_code open_reuseport(Socket& socket, const Endpoint& endpoint)
{
    std::error_code ec;
    socket.open(endpoint.protocol(), ec);
    if (ec)
        return ec;
    socket.set_option(asio::socket_base::reuse_address(true), ec);
    int one = 1;
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (endpoint.address().is_v6())
        socket.set_option(asio::ip::v6_only(true), ec);
    socket.bind(endpoint, ec);
    return ec;
}

// Opens and binds one worker's socket of a UDP group. `spread_group`: the group's size, to set its
// steering program by the first word (core/net/udp_spread) — asked on the group's first socket only,
// since the program belongs to the group and serves all; 0 (or 1 socket): none.
std::error_code open_udp_member(asio::ip::udp::socket& socket, const asio::ip::udp::endpoint& bound,
                                unsigned spread_group)
{
    if (auto e = open_reuseport(socket, bound))
        return e;
    if (spread_group > 1)
        if (auto e = core::spread_by_first_word(socket, spread_group))
            spdlog::warn("udp port {}: datagrams stay spread by sender ({})", bound.port(), e.message());
    return {};
}

// SO_REUSEPORT would let us silently share a port with another running layer7; a first bind
// without it fails with EADDRINUSE if anyone holds the port. Also resolves port 0.
template <class Socket, class Endpoint>
std::pair<std::error_code, Endpoint> probe(asio::io_context& context, Endpoint endpoint)
{
    Socket probe_socket(context);
    std::error_code ec;
    probe_socket.open(endpoint.protocol(), ec);
    if (!ec)
        probe_socket.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && endpoint.address().is_v6())
        probe_socket.set_option(asio::ip::v6_only(true), ec);
    if (!ec)
        probe_socket.bind(endpoint, ec);
    if (ec)
        return {ec, endpoint};
    return {ec, probe_socket.local_endpoint()};
}

}  // namespace

Runtime::Runtime(unsigned threads, std::size_t blocking_threads)
    : blocking_(blocking_threads), signals_(control_, SIGINT, SIGTERM, SIGHUP)
{
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) {
        workers_.push_back(std::make_unique<Worker>());
        workers_.back()->guard.emplace(workers_.back()->context.get_executor());
    }
    std::signal(SIGPIPE, SIG_IGN);
}

Runtime::~Runtime()
{
    stop();
    for (auto& w : workers_)
        if (w->thread.joinable())
            w->thread.join();
    join_udp_threads();
}

void Runtime::join_udp_threads()
{
    for (auto& w : workers_) {
        for (auto& t : w->udp_threads) {
            if (auto socket = t.socket.lock())
                socket->stop();
            t.thread.join();
        }
        w->udp_threads.clear();
    }
}

std::pair<std::error_code, asio::ip::tcp::endpoint> Runtime::listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                        const Admission& admission, TcpHandler handler,
                                                                        FirstSpeaker first)
{
    return listen_tcp_with(endpoint, admission, std::move(handler), first);
}

std::pair<std::error_code, asio::ip::tcp::endpoint> Runtime::listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                        const Admission& admission,
                                                                        TcpPeerHandler handler, FirstSpeaker first)
{
    return listen_tcp_with(endpoint, admission, std::move(handler), first);
}

std::pair<std::error_code, asio::ip::tcp::endpoint> Runtime::listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                        const Admission& admission,
                                                                        TcpAdmittedHandler handler, FirstSpeaker first)
{
    return listen_tcp_with(endpoint, admission, std::move(handler), first);
}

template <class Handler>
std::pair<std::error_code, asio::ip::tcp::endpoint> Runtime::listen_tcp_with(const asio::ip::tcp::endpoint& endpoint,
                                                                             const Admission& admission,
                                                                             Handler handler, FirstSpeaker first)
{
    auto shared_handler = std::make_shared<Handler>(std::move(handler));
    auto count = ConnectionCount::make(admission);
    const int kind = std::is_same_v<Handler, TcpAdmittedHandler> ? Held::tcp_admitted
                     : std::is_same_v<Handler, TcpPeerHandler>   ? Held::tcp_peer
                                                                 : Held::tcp;
    if (Held* old = handed_over(endpoint.address(), endpoint.port(), kind)) {
        // Its sockets stay open and now feed the new service.
        old->previous_owner = old->owner;
        old->previous_handler = std::exchange(old->handler, shared_handler);
        old->previous_count = std::exchange(old->count, count);
        old->owner = owner_;
        for (std::size_t i = 0; i < workers_.size(); ++i)
            old->point(i, shared_handler, count);
        return {std::error_code{}, endpoint};
    }
    auto [ec, bound] = claim<asio::ip::tcp::acceptor>(endpoint, kind);
    if (ec)
        return {ec, endpoint};
    Held& held = held_.back();
    held.handler = shared_handler;
    held.count = count;
    for (auto& w : workers_) {
        auto acceptor = std::make_shared<asio::ip::tcp::acceptor>(w->context);
        if (auto e = open_reuseport(*acceptor, bound))
            return {e, bound};
        acceptor->set_option(asio::ip::tcp::no_delay(true), ec);  // inherited by accepted sockets
        acceptor->non_blocking(true, ec);                         // accept_one must see EAGAIN, not block
        if (first == FirstSpeaker::client) {
            // Only a saving: if the kernel refuses it, connections are simply accepted earlier.
            int seconds = 1;
            ::setsockopt(acceptor->native_handle(), IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds);
        }
        if (!ec)
            acceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            return {ec, bound};
        add_closer(*w, held.id, [acceptor] {
            std::error_code ignored;
            acceptor->close(ignored);
        });
        auto slot = std::make_shared<Slot<Handler>>(Slot<Handler>{shared_handler, count});
        held.slots.push_back(slot);
        asio::co_spawn(
            w->context, [acceptor, slot]() -> awaitable<void> { co_await accept_loop(*acceptor, slot); },
            asio::detached);
    }
    held.point = [this, slots = held.slots](std::size_t i, std::shared_ptr<void> h, std::shared_ptr<void> c) {
        asio::post(workers_[i]->context,
                   [slot = std::static_pointer_cast<Slot<Handler>>(slots[i]), h = std::static_pointer_cast<Handler>(h),
                    c = std::static_pointer_cast<ConnectionCount>(c)] {
                       slot->handler = h;
                       slot->count = c;
                   });
    };
    return {ec, bound};
}

std::pair<std::error_code, asio::ip::udp::endpoint> Runtime::listen_udp(const asio::ip::udp::endpoint& endpoint,
                                                                        UdpLoop loop, bool spread_by_first_word)
{
    auto [ec, bound] = claim<asio::ip::udp::socket>(endpoint, Held::udp);
    if (ec)
        return {ec, endpoint};
    const std::uint64_t id = held_.back().id;
    auto shared_loop = std::make_shared<UdpLoop>(std::move(loop));
    for (auto& w : workers_) {
        auto socket = std::make_shared<asio::ip::udp::socket>(w->context);
        if (auto e = open_udp_member(*socket, bound, spread_by_first_word && &w == &workers_.front() ? size() : 0))
            return {e, bound};
        add_closer(*w, id, [socket] {
            std::error_code ignored;
            socket->close(ignored);
        });
        asio::co_spawn(
            w->context, [shared_loop, socket]() -> awaitable<void> { co_await (*shared_loop)(*socket); },
            asio::detached);
    }
    return {ec, bound};
}

std::pair<std::error_code, asio::ip::udp::endpoint> Runtime::listen_udp_on_threads(
    const asio::ip::udp::endpoint& endpoint, UdpThreadLoop loop, bool spread_by_first_word)
{
    auto [ec, bound] = claim<asio::ip::udp::socket>(endpoint, Held::udp);
    if (ec)
        return {ec, endpoint};
    const std::uint64_t id = held_.back().id;
    auto shared_loop = std::make_shared<UdpThreadLoop>(std::move(loop));
    for (auto& w : workers_) {
        asio::ip::udp::socket opened(w->context);
        if (auto e = open_udp_member(opened, bound, spread_by_first_word && &w == &workers_.front() ? size() : 0))
            return {e, bound};
        // Out of asio's epoll (release deregisters it), and blocking: the thread waits in recvmmsg.
        const int fd = opened.release();
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        auto socket = std::make_shared<UdpThreadSocket>(fd);
        add_closer(*w, id, [weak = std::weak_ptr(socket)] {
            if (auto held = weak.lock())  // the thread holds it until its loop returns
                held->stop();
        });
        std::thread thread([shared_loop, socket] { (*shared_loop)(socket->fd, socket->stopping); });
        w->udp_threads.push_back({std::move(thread), socket});
    }
    return {ec, bound};
}

void Runtime::run()
{
    for (auto& w : workers_)
        w->thread = std::thread([&context = w->context] {
            context.run();
            // The worker's state (WorkerSlots) ends with its thread, while the io_context it may
            // hold sockets of still exists (the proxy's pooled upstream connections).
            if (asio::has_service<WorkerSlots>(context))
                WorkerSlots::of(context).clear();
        });

    std::function<void()> wait_signal = [&] {
        signals_.async_wait([&](std::error_code ec, int signo) {
            if (ec)
                return;
            if (signo == SIGHUP) {
                spdlog::info("SIGHUP: reloading");
                for (auto& hook : reload_hooks_)
                    hook.run();
                if (reconfigure_)
                    reconfigure_();
                wait_signal();
                return;
            }
            spdlog::info("signal {}: stopping (in-flight work may take up to {} s)", signo,
                         std::chrono::duration_cast<std::chrono::seconds>(drain_limit_).count());
            begin_stop();
        });
    };
    wait_signal();
    control_.run();  // returns once begin_stop() has released the control context

    // Drain: connections waiting between messages were closed by begin_stop; transfers in flight
    // finish on their own. Whatever is still open at the end of the limit is cut.
    const auto deadline = std::chrono::steady_clock::now() + drain_limit_;
    bool cut = false;
    for (auto& w : workers_) {
        while (!w->context.stopped() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        cut = cut || !w->context.stopped();
        w->context.stop();
        w->thread.join();
    }
    join_udp_threads();  // the closers have stopped them
    if (cut)
        spdlog::warn("drain limit of {} s reached: cut the connections still open",
                     std::chrono::duration_cast<std::chrono::seconds>(drain_limit_).count());
    // A connection cut above may have left an fsync running: it finishes before the services
    // whose files it writes are destroyed.
    blocking_.join();
}

void Runtime::begin_stop()
{
    if (stopping_.exchange(true))
        return;
    if (before_stop_hooks_.empty()) {
        close_and_drain();
        return;
    }
    // Every hook's done, or the limit, whichever comes first, goes on with the stop (once).
    struct Leave {
        std::size_t pending;
        bool gone = false;
        asio::steady_timer limit;
    };
    auto leave = std::make_shared<Leave>(
        Leave{before_stop_hooks_.size(), false, asio::steady_timer(control_, before_stop_limit)});
    const auto go_on = [this](Leave& l) {
        if (std::exchange(l.gone, true))
            return;
        l.limit.cancel();
        close_and_drain();
    };
    // Weak: the timer is the Leave's own, and a pending wait must not keep it alive.
    leave->limit.async_wait([go_on, weak = std::weak_ptr<Leave>(leave)](std::error_code ec) {
        auto l = weak.lock();
        if (ec || !l)
            return;
        spdlog::warn("stop: a service did not take its leave within {} s; stopping anyway", before_stop_limit.count());
        go_on(*l);
    });
    for (auto& hook : before_stop_hooks_)
        hook.run([this, leave, go_on] {
            asio::post(control_, [leave, go_on] {
                if (--leave->pending == 0)
                    go_on(*leave);
            });
        });
}

void Runtime::close_and_drain()
{
    for (auto& w : workers_) {
        asio::post(w->context, [worker = w.get()] {
            for (auto& closer : worker->closers)
                closer.close();
            drain_streams(worker->context);  // idle keep-alive and command waits end now
            worker->guard.reset();           // let run() return once the connections are done
        });
    }
    for (auto& hook : stop_hooks_)
        hook.run();
    signals_.cancel();
    control_.stop();
}

Runtime::Held* Runtime::handed_over(const asio::ip::address& address, unsigned short port, int kind)
{
    if (port == 0)
        return nullptr;
    for (Held& h : held_) {
        const bool replaced = std::find(handover_.begin(), handover_.end(), h.owner) != handover_.end();
        if (replaced && h.kind == kind && h.endpoint == asio::ip::tcp::endpoint(address, port))
            return &h;
    }
    return nullptr;
}

template <class Socket, class Endpoint>
std::pair<std::error_code, Endpoint> Runtime::claim(Endpoint endpoint, int kind)
{
    // A UDP address a replaced service holds: join its SO_REUSEPORT group (it closes soon after).
    const bool join = kind == Held::udp && handed_over(endpoint.address(), endpoint.port(), kind);
    auto [ec, bound] = join ? std::pair{std::error_code{}, endpoint} : probe<Socket>(workers_[0]->context, endpoint);
    if (!ec) {
        Held& held = held_.emplace_back();
        held.id = next_listener_++;
        held.owner = owner_;
        held.kind = kind;
        held.endpoint = asio::ip::tcp::endpoint(bound.address(), bound.port());
    }
    return {ec, bound};
}

void Runtime::retire(const void* owner)
{
    std::vector<std::uint64_t> ids;
    for (Held& h : held_) {
        if (h.previous_owner == owner) {  // taken over for good: nothing to give back any more
            h.previous_owner = nullptr;
            h.previous_handler.reset();
            h.previous_count.reset();
        }
        if (h.owner != owner)
            continue;
        if (h.previous_owner) {  // a failed reload: the sockets go back to the service they fed
            h.owner = std::exchange(h.previous_owner, nullptr);
            h.handler = std::move(h.previous_handler);
            h.count = std::move(h.previous_count);
            for (std::size_t i = 0; i < workers_.size(); ++i)
                h.point(i, h.handler, h.count);
            continue;
        }
        ids.push_back(h.id);
    }
    for (auto& w : workers_) {
        asio::post(w->context, [worker = w.get(), ids, owner] {
            retire_streams(worker->context, owner);
            auto& closers = worker->closers;
            const auto mine = [&ids](const Worker::Closer& c) {
                return std::find(ids.begin(), ids.end(), c.listener) != ids.end();
            };
            for (auto& closer : closers)
                if (mine(closer))
                    closer.close();
            std::erase_if(closers, mine);
        });
    }
    for (auto& hook : stop_hooks_)
        if (hook.owner == owner)
            hook.run();
    const auto owned = [owner](const auto& x) { return x.owner == owner; };
    std::erase_if(stop_hooks_, owned);
    std::erase_if(before_stop_hooks_, owned);
    std::erase_if(reload_hooks_, owned);
    std::erase_if(held_, owned);
    std::erase(handover_, owner);
}

asio::io_context& Runtime::context(std::size_t worker)
{
    return workers_.at(worker)->context;
}

void Runtime::stop()
{
    asio::post(control_, [this] { begin_stop(); });
}

}  // namespace layer7::core
