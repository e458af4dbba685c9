#include "lab/relay.hpp"

#include <algorithm>
#include <deque>
#include <list>
#include <map>
#include <vector>

namespace layer7::lab {

namespace {

using asio::ip::tcp;
using asio::ip::udp;
using core::use_tuple;

constexpr std::size_t read_size = 64 * 1024;
// A piece read is delivered in chunks of the segments that arrive within this much of the first.
constexpr Duration granularity = std::chrono::milliseconds(1);
// Bytes a direction holds while they cross the emulated delay (at 1 Gbit/s, 100 ms is 12.5 MB).
constexpr std::size_t max_in_flight = 64u << 20;

struct Chunk {
    Time arrival;
    std::vector<char> bytes;  // empty: the sender's FIN
};

// One direction of a relayed connection: the reader queues what it reads with its arrival time,
// the writer hands it on when that time comes.
struct Pipe {
    Pipe(const asio::any_io_executor& ex, bool client_side) : due(ex), room(ex), from_client(client_side) {}
    std::deque<Chunk> chunks;
    std::size_t in_flight = 0;
    asio::steady_timer due;   // the writer waits on it: for the next arrival, or for a chunk
    asio::steady_timer room;  // the reader waits on it while the link's queue is full
    Time not_before{};        // the emulated handshake: no byte leaves before then
    Time last{};              // the stream stays in order
    bool from_client;
};

}  // namespace

struct TcpRelay::State {
    State(asio::io_context& io, const tcp::endpoint& listen, tcp::endpoint to, std::shared_ptr<Path> p)
        : acceptor(io, listen), upstream(std::move(to)), path(std::move(p))
    {
    }
    struct Connection {
        Connection(tcp::socket c, std::uint64_t n)
            : client(std::move(c)), server(client.get_executor()), up(client.get_executor(), true),
              down(client.get_executor(), false), id(n)
        {
        }
        void close()
        {
            std::error_code ignored;
            client.close(ignored);
            server.close(ignored);
            for (Pipe* p : {&up, &down}) {
                p->due.cancel();
                p->room.cancel();
            }
            open = false;
        }
        tcp::socket client, server;
        Pipe up, down;
        std::uint64_t id;
        bool open = true;
    };
    tcp::acceptor acceptor;
    tcp::endpoint upstream;
    std::shared_ptr<Path> path;
    std::list<std::weak_ptr<Connection>> connections;
};

namespace {

using Connection = TcpRelay::State::Connection;

// Reads `from` and queues each piece with the time the link delivers it.
core::awaitable<void> carry(std::shared_ptr<Connection> c, std::shared_ptr<Path> path, tcp::socket& from, Pipe& p)
{
    Link& link = p.from_client ? path->up : path->down;
    std::vector<char> buffer(read_size);
    while (c->open) {
        const Time now = Clock::now();
        const std::size_t queue = link.spec().queue_bytes, backlog = link.backlog(now);
        const bool full = backlog + std::min(read_size, queue / 2) > queue;
        if (full || p.in_flight >= max_in_flight) {
            // The link's queue is (nearly) full: the sender waits (TCP's flow control pushes back
            // to it) until half of the queue has gone, so that reads stay large: a read of a few
            // bytes whenever a few have left would cost a wake-up each, and the relay would fall
            // behind the link it emulates.
            const auto half = std::chrono::duration<double>(static_cast<double>(queue) * 4 / link.rate_at(now));
            p.room.expires_at(full ? link.drained_at() - std::chrono::duration_cast<Duration>(half) : Time::max());
            co_await p.room.async_wait(use_tuple);
            continue;
        }
        const std::size_t want = std::min(read_size, queue - backlog);
        auto [ec, n] = co_await from.async_read_some(asio::buffer(buffer.data(), want), use_tuple);
        if (!c->open)
            break;
        if (ec && ec != asio::error::eof) {
            c->close();
            break;
        }
        const Time start = std::max(Clock::now(), p.not_before);
        if (ec) {
            p.last = std::max(p.last, start + link.spec().delay);  // the FIN crosses too
            p.chunks.push_back(Chunk{p.last, {}});
            p.due.cancel();
            break;
        }
        // The piece goes on as its segments arrive (in order: one that a loss made late holds back
        // those behind it), a chunk per `granularity` so a long piece's first bytes are not late.
        const auto arrivals = link.stream_segments(start, n);
        for (std::size_t i = 0; i < arrivals.size();) {
            const Time first = std::max(p.last, arrivals[i]);
            Time due = first;
            std::size_t end = i + 1;
            for (; end < arrivals.size() && std::max(due, arrivals[end]) - first <= granularity; ++end)
                due = std::max(due, arrivals[end]);
            p.last = due;
            const auto from_byte = static_cast<std::ptrdiff_t>(i * segment_bytes);
            const auto to_byte = static_cast<std::ptrdiff_t>(std::min(n, end * segment_bytes));
            p.chunks.push_back(Chunk{p.last, {buffer.begin() + from_byte, buffer.begin() + to_byte}});
            i = end;
        }
        p.in_flight += n;
        p.due.cancel();
    }
}

// Writes each queued piece to `to` when it is due; passes the FIN on as a half close.
core::awaitable<void> deliver(std::shared_ptr<Connection> c, std::shared_ptr<Path> path, tcp::socket& to, Pipe& p)
{
    while (c->open) {
        if (p.chunks.empty() || p.chunks.front().arrival > Clock::now()) {
            p.due.expires_at(p.chunks.empty() ? Time::max() : p.chunks.front().arrival);
            co_await p.due.async_wait(use_tuple);
            continue;
        }
        Chunk& chunk = p.chunks.front();
        if (chunk.bytes.empty()) {
            std::error_code ignored;
            to.shutdown(tcp::socket::shutdown_send, ignored);
            break;
        }
        if (path->tap)
            path->tap(Clock::now(), c->id, p.from_client, {chunk.bytes.data(), chunk.bytes.size()});
        auto [ec, n] = co_await asio::async_write(to, asio::buffer(chunk.bytes), use_tuple);
        if (ec || !c->open) {
            c->close();
            break;
        }
        p.in_flight -= n;
        p.chunks.pop_front();
        p.room.cancel();
    }
}

core::awaitable<void> relay(std::shared_ptr<TcpRelay::State> s, tcp::socket client)
{
    const Time accepted = Clock::now();
    auto c = std::make_shared<Connection>(std::move(client), ++s->path->connections);
    if (s->path->opened)
        s->path->opened(accepted, c->id);
    s->connections.remove_if([](const auto& w) { return w.expired(); });
    s->connections.push_back(c);
    auto [ec] = co_await c->server.async_connect(s->upstream, use_tuple);
    if (ec || !c->open) {
        c->close();
        co_return;
    }
    std::error_code ignored;
    c->server.set_option(tcp::no_delay(true), ignored);
    c->client.set_option(tcp::no_delay(true), ignored);
    // The handshake over the emulated path: SYN up, SYN-ACK down, then the client may send; the
    // server's accept comes with the ACK, one more trip up.
    const Duration up = s->path->up.spec().delay, down = s->path->down.spec().delay;
    c->up.not_before = accepted + up + down;
    c->down.not_before = accepted + up + down + up;
    const auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(ex, carry(c, s->path, c->client, c->up), asio::detached);
    asio::co_spawn(ex, deliver(c, s->path, c->server, c->up), asio::detached);
    asio::co_spawn(ex, carry(c, s->path, c->server, c->down), asio::detached);
    asio::co_spawn(ex, deliver(c, s->path, c->client, c->down), asio::detached);
}

core::awaitable<void> accept_loop(std::shared_ptr<TcpRelay::State> s)
{
    for (;;) {
        auto [ec, socket] = co_await s->acceptor.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted || !s->acceptor.is_open())
            co_return;
        if (!ec)
            asio::co_spawn(s->acceptor.get_executor(), relay(s, std::move(socket)), asio::detached);
    }
}

}  // namespace

TcpRelay::TcpRelay(asio::io_context& io, const tcp::endpoint& listen, const tcp::endpoint& upstream,
                   std::shared_ptr<Path> path)
    : state_(std::make_shared<State>(io, listen, upstream, std::move(path)))
{
    asio::co_spawn(io, accept_loop(state_), asio::detached);
}

TcpRelay::~TcpRelay()
{
    stop();
}

tcp::endpoint TcpRelay::local() const
{
    return state_->acceptor.local_endpoint();
}

void TcpRelay::stop()
{
    std::error_code ignored;
    state_->acceptor.close(ignored);
    for (auto& w : state_->connections)
        if (auto c = w.lock())
            c->close();
    state_->connections.clear();
}

struct UdpRelay::State {
    State(asio::io_context& io_, const udp::endpoint& listen, udp::endpoint to, std::shared_ptr<Path> p)
        : io(io_), socket(io_, listen), upstream(std::move(to)), path(std::move(p))
    {
    }
    // One client address: its own socket toward the server, so replies find their way back.
    struct Flow {
        Flow(asio::io_context& io, std::uint64_t n) : socket(io), id(n) {}
        udp::socket socket;
        std::uint64_t id;
    };
    asio::io_context& io;
    udp::socket socket;
    udp::endpoint upstream;
    std::shared_ptr<Path> path;
    std::map<udp::endpoint, std::shared_ptr<Flow>> flows;
    bool open = true;
};

namespace {

using Flow = UdpRelay::State::Flow;

// Sends one datagram when the link delivers it.
core::awaitable<void> send_later(std::shared_ptr<UdpRelay::State> s, std::shared_ptr<Flow> flow, Time arrival,
                                 std::vector<char> datagram, udp::endpoint to, std::uint64_t id)
{
    asio::steady_timer timer(s->io, arrival);
    co_await timer.async_wait(use_tuple);
    if (!s->open)
        co_return;
    if (s->path->tap)
        s->path->tap(Clock::now(), id, flow != nullptr, {datagram.data(), datagram.size()});
    if (flow)  // toward the server
        co_await flow->socket.async_send(asio::buffer(datagram), use_tuple);
    else
        co_await s->socket.async_send_to(asio::buffer(datagram), to, use_tuple);
}

core::awaitable<void> reply_loop(std::shared_ptr<UdpRelay::State> s, std::shared_ptr<Flow> flow, udp::endpoint client)
{
    std::vector<char> buffer(65536);
    while (s->open) {
        auto [ec, n] = co_await flow->socket.async_receive(asio::buffer(buffer), use_tuple);
        if (ec == asio::error::operation_aborted || !s->open || !flow->socket.is_open())
            co_return;
        if (ec)
            continue;  // an ICMP error from an earlier send
        if (auto arrival = s->path->down.datagram(Clock::now(), n))
            asio::co_spawn(s->io,
                           send_later(s, nullptr, *arrival, {buffer.begin(), buffer.begin() + n}, client, flow->id),
                           asio::detached);
    }
}

core::awaitable<void> receive_loop(std::shared_ptr<UdpRelay::State> s)
{
    std::vector<char> buffer(65536);
    while (s->open) {
        udp::endpoint client;
        auto [ec, n] = co_await s->socket.async_receive_from(asio::buffer(buffer), client, use_tuple);
        if (ec == asio::error::operation_aborted || !s->open)
            co_return;
        if (ec)
            continue;
        auto& flow = s->flows[client];
        if (!flow) {
            flow = std::make_shared<Flow>(s->io, ++s->path->connections);
            std::error_code failed;
            flow->socket.open(s->upstream.protocol(), failed);
            if (!failed)
                flow->socket.connect(s->upstream, failed);
            if (failed) {
                s->flows.erase(client);
                continue;
            }
            asio::co_spawn(s->io, reply_loop(s, flow, client), asio::detached);
        }
        if (auto arrival = s->path->up.datagram(Clock::now(), n))
            asio::co_spawn(s->io, send_later(s, flow, *arrival, {buffer.begin(), buffer.begin() + n}, {}, flow->id),
                           asio::detached);
    }
}

}  // namespace

UdpRelay::UdpRelay(asio::io_context& io, const udp::endpoint& listen, const udp::endpoint& upstream,
                   std::shared_ptr<Path> path)
    : state_(std::make_shared<State>(io, listen, upstream, std::move(path)))
{
    asio::co_spawn(io, receive_loop(state_), asio::detached);
}

UdpRelay::~UdpRelay()
{
    stop();
}

udp::endpoint UdpRelay::local() const
{
    return state_->socket.local_endpoint();
}

void UdpRelay::stop()
{
    state_->open = false;
    std::error_code ignored;
    state_->socket.close(ignored);
    for (auto& [client, flow] : state_->flows)
        flow->socket.close(ignored);
    state_->flows.clear();
}

}  // namespace layer7::lab
