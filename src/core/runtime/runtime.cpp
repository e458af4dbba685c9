// Runtime: see runtime.hpp.
#include "core/runtime/runtime.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <mutex>
#include <optional>
#include <type_traits>
#include <thread>

#include <spdlog/spdlog.h>

namespace layer7::core {

struct Runtime::Worker {
    asio::io_context context{1};  // one thread per context: asio may skip locking
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    std::vector<std::function<void()>> closers;  // close this worker's listening sockets
    std::thread thread;
};

namespace {

// One shared count per TCP service: max_connections is a service-wide limit.
struct ConnectionCount {
    std::atomic<std::size_t> live{0};
    std::size_t max;
};

struct CountGuard {
    std::shared_ptr<ConnectionCount> count;
    ~CountGuard() { count->live.fetch_sub(1, std::memory_order_relaxed); }
};

// asio treats a socket it did not open itself as a possible dup(2): it sets O_NONBLOCK with an
// ioctl on the first operation and takes the descriptor out of epoll (EPOLL_CTL_DEL) before closing
// it. A socket fresh from accept4(SOCK_NONBLOCK) needs neither, and saying so saves two system calls
// per connection. The flags are asio's own (detail layer), reached through basic_socket's protected
// member by a pointer-to-member taken in a derived class.
struct FreshSocket : asio::ip::tcp::socket {
    static void mark(asio::ip::tcp::socket& s)
    {
        namespace ops = asio::detail::socket_ops;
        auto& state = (s.*&FreshSocket::impl_).get_implementation().state_;
        state = static_cast<ops::state_type>((state | ops::internal_non_blocking) & ~ops::possible_dup);
    }
};

// Takes one connection waiting on `acceptor` (non-blocking, close-on-exec, `peer` filled in); a
// closed socket when the queue is empty. EMFILE and friends come back as the error.
std::pair<std::error_code, asio::ip::tcp::socket> accept_one(asio::ip::tcp::acceptor& acceptor,
                                                             asio::ip::tcp::endpoint& peer)
{
    asio::ip::tcp::socket socket(acceptor.get_executor());
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

// Handler is TcpHandler or TcpPeerHandler; the peer's address comes with accept(2) for free.
template <class Handler>
awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor, std::shared_ptr<ConnectionCount> count,
                            std::shared_ptr<Handler> handler)
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
            if (count->live.fetch_add(1, std::memory_order_relaxed) >= count->max) {
                count->live.fetch_sub(1, std::memory_order_relaxed);
                std::error_code ignored;
                spdlog::warn("connection limit {} reached; closing {}", count->max, peer.address().to_string());
                socket.close(ignored);
                continue;
            }
            if constexpr (std::is_same_v<Handler, TcpPeerHandler>)
                asio::co_spawn(
                    executor,
                    [count, handler, s = std::move(socket), peer]() mutable -> awaitable<void> {
                        CountGuard guard{count};
                        co_await (*handler)(std::move(s), peer);
                    },
                    asio::detached);
            else
                asio::co_spawn(
                    executor,
                    [count, handler, s = std::move(socket)]() mutable -> awaitable<void> {
                        CountGuard guard{count};
                        co_await (*handler)(std::move(s));
                    },
                    asio::detached);
        }
    }
}

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

Runtime::Runtime(unsigned threads) : signals_(control_, SIGINT, SIGTERM, SIGHUP)
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
}

std::pair<std::error_code, asio::ip::tcp::endpoint> Runtime::listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                       std::size_t max_connections,
                                                                       TcpHandler handler, FirstSpeaker first)
{
    return listen_tcp_with(endpoint, max_connections, std::move(handler), first);
}

std::pair<std::error_code, asio::ip::tcp::endpoint> Runtime::listen_tcp(const asio::ip::tcp::endpoint& endpoint,
                                                                       std::size_t max_connections,
                                                                       TcpPeerHandler handler, FirstSpeaker first)
{
    return listen_tcp_with(endpoint, max_connections, std::move(handler), first);
}

template <class Handler>
std::pair<std::error_code, asio::ip::tcp::endpoint> Runtime::listen_tcp_with(const asio::ip::tcp::endpoint& endpoint,
                                                                            std::size_t max_connections,
                                                                            Handler handler, FirstSpeaker first)
{
    auto [ec, bound] = probe<asio::ip::tcp::acceptor>(workers_[0]->context, endpoint);
    if (ec)
        return {ec, endpoint};
    auto shared_handler = std::make_shared<Handler>(std::move(handler));
    auto count = std::make_shared<ConnectionCount>();
    count->max = max_connections;
    for (auto& w : workers_) {
        auto acceptor = std::make_shared<asio::ip::tcp::acceptor>(w->context);
        if (auto e = open_reuseport(*acceptor, bound))
            return {e, bound};
        acceptor->set_option(asio::ip::tcp::no_delay(true), ec);  // inherited by accepted sockets
        acceptor->non_blocking(true, ec);  // accept_one must see EAGAIN, not block
        if (first == FirstSpeaker::client) {
            // Only a saving: if the kernel refuses it, connections are simply accepted earlier.
            int seconds = 1;
            ::setsockopt(acceptor->native_handle(), IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds);
        }
        if (!ec)
            acceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            return {ec, bound};
        w->closers.push_back([acceptor] {
            std::error_code ignored;
            acceptor->close(ignored);
        });
        asio::co_spawn(
            w->context,
            [acceptor, count, shared_handler]() -> awaitable<void> {
                co_await accept_loop(*acceptor, count, shared_handler);
            },
            asio::detached);
    }
    return {ec, bound};
}

std::pair<std::error_code, asio::ip::udp::endpoint> Runtime::listen_udp(const asio::ip::udp::endpoint& endpoint,
                                                                       UdpLoop loop)
{
    auto [ec, bound] = probe<asio::ip::udp::socket>(workers_[0]->context, endpoint);
    if (ec)
        return {ec, endpoint};
    auto shared_loop = std::make_shared<UdpLoop>(std::move(loop));
    for (auto& w : workers_) {
        auto socket = std::make_shared<asio::ip::udp::socket>(w->context);
        if (auto e = open_reuseport(*socket, bound))
            return {e, bound};
        w->closers.push_back([socket] {
            std::error_code ignored;
            socket->close(ignored);
        });
        asio::co_spawn(
            w->context, [shared_loop, socket]() -> awaitable<void> { co_await (*shared_loop)(*socket); },
            asio::detached);
    }
    return {ec, bound};
}

void Runtime::run(std::chrono::milliseconds grace)
{
    for (auto& w : workers_)
        w->thread = std::thread([&context = w->context] { context.run(); });

    std::function<void()> wait_signal = [&] {
        signals_.async_wait([&](std::error_code ec, int signo) {
            if (ec)
                return;
            if (signo == SIGHUP) {
                spdlog::info("SIGHUP: reloading");
                for (auto& hook : reload_hooks_)
                    hook();
                wait_signal();
                return;
            }
            spdlog::info("signal {}: stopping", signo);
            begin_stop();
        });
    };
    wait_signal();
    control_.run();  // returns once begin_stop() has released the control context

    // Drain: in-flight connections finish on their own; whatever is still open at the end of
    // the grace period (idle keep-alive connections, slow peers) is cut.
    const auto deadline = std::chrono::steady_clock::now() + grace;
    for (auto& w : workers_) {
        while (!w->context.stopped() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        w->context.stop();
        w->thread.join();
    }
}

void Runtime::begin_stop()
{
    if (stopping_.exchange(true))
        return;
    for (auto& w : workers_) {
        asio::post(w->context, [worker = w.get()] {
            for (auto& close : worker->closers)
                close();
            worker->guard.reset();  // let run() return once the connections are done
        });
    }
    for (auto& hook : stop_hooks_)
        hook();
    signals_.cancel();
    control_.stop();
}

void Runtime::stop()
{
    asio::post(control_, [this] { begin_stop(); });
}

}  // namespace layer7::core
