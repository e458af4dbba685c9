// The DNS shell: see shell.hpp.
#include "dns/transport/shell.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/net/stream.hpp"
#include "core/net/udp_batch.hpp"
#include "core/trace/trace.hpp"
#include "dns/wire/tcp_framing.hpp"

namespace layer7::dns {

struct Shell::UdpWorker {
    UdpWorker(asio::ip::udp::socket* s, std::shared_ptr<Handler> h) : socket(s), handler(std::move(h)) {}
    asio::ip::udp::socket* socket;  // null on a thread of its own: no query waits there
    std::shared_ptr<Handler> handler;
    std::shared_ptr<std::size_t> waiting = std::make_shared<std::size_t>(0);  // outlives the loop with them
    core::UdpBatch batch;
};

namespace {

Client client_of(const sockaddr_storage& peer)
{
    Client c;
    if (peer.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(peer);
        std::memcpy(c.bytes.data(), &in6.sin6_addr, 16);
        c.size = 16;
        c.port = ntohs(in6.sin6_port);
    } else {
        const auto& in4 = reinterpret_cast<const sockaddr_in&>(peer);
        std::memcpy(c.bytes.data(), &in4.sin_addr, 4);
        c.port = ntohs(in4.sin_port);
    }
    return c;
}

Client client_of(const asio::ip::tcp::endpoint& peer)
{
    Client c;
    c.port = peer.port();
    if (peer.address().is_v4()) {
        const auto b = peer.address().to_v4().to_bytes();
        std::copy(b.begin(), b.end(), c.bytes.begin());
    } else {
        const auto b = peer.address().to_v6().to_bytes();
        std::copy(b.begin(), b.end(), c.bytes.begin());
        c.size = 16;
    }
    return c;
}

double now_seconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// --trace: the query as "1234 A www.crepes.fr. +rd", the answer as "NOERROR aa 1 answer" (or, for
// a stream of messages, how many and how many records), whichever handler gave it.
void trace_query(std::uint64_t id, std::span<const std::uint8_t> wire)
{
    auto decoded = decode(wire);
    core::Trace::instance().line(
        id, core::Speaker::client,
        decoded.ok() ? query_summary(decoded.value()) : "(" + std::to_string(wire.size()) + " octets, malformed)");
}

void trace_reply(std::uint64_t id, const Reply& reply)
{
    auto& trace = core::Trace::instance();
    if (reply.wire.empty()) {
        trace.note(id, "no reply");
        return;
    }
    const auto header = peek_header(reply.wire);
    const std::string rcode = to_text(static_cast<Rcode>(header ? header->rcode : 0));
    if (reply.more && !reply.more->empty()) {
        std::size_t records = header ? header->ancount : 0;
        for (const auto& message : *reply.more)
            if (auto h = peek_header(message))
                records += h->ancount;
        const std::size_t messages = 1 + reply.more->size();
        trace.line(id, core::Speaker::server,
                   rcode + ", " + std::to_string(messages) + " messages, " + std::to_string(records) + " records");
        return;
    }
    auto decoded = decode(reply.wire);
    std::string text = decoded.ok() ? reply_summary(decoded.value()) : rcode;
    if (header && header->flags.tc)
        text += " (truncated to " + std::to_string(reply.wire.size()) + " octets)";
    trace.line(id, core::Speaker::server, text);
}

}  // namespace

void Shell::rate_limit(const Client& client, std::span<const std::uint8_t> query, std::vector<std::uint8_t>& reply)
{
    const RrlKey key = rrl_key(client.address(), options_.rrl);
    RrlAction action;
    {
        std::lock_guard lock(rrl_mutex_);
        action = rrl_.check(key, now_seconds());
    }
    switch (action) {
    case RrlAction::send: break;
    case RrlAction::slip:
        if (auto decoded = decode(query); decoded.ok())
            reply = truncated_reply(decoded.value(), options_.udp_size);
        else
            reply.clear();
        break;
    case RrlAction::drop: reply.clear(); break;
    }
}

void Shell::on_datagram(UdpWorker& w, std::size_t slot, std::size_t length)
{
    core::UdpBatch& b = w.batch;
    const std::span<const std::uint8_t> wire(b.slot(slot), length);
    const Client client = client_of(b.peers[slot]);
    std::vector<std::uint8_t>& out = b.replies[b.pending];  // reused: no allocation for a cached reply
    out.clear();
    Reply reply{out};
    const bool may_wait = w.socket && *w.waiting < options_.max_waiting;
    const Query query{wire, client, Transport::udp, w.handler->allows(client), may_wait};
    const bool tracing = core::Trace::instance().enabled();
    const std::uint64_t id = tracing ? core::Trace::next_id() : 0;
    if (tracing)
        trace_query(id, wire);
    if (w.handler->serve(query, reply) == Served::later) {
        if (w.socket)  // else the handler broke its word (may_wait was false): no answer
            answer_later(w, query, slot, id);
        return;
    }
    if (!out.empty() && rrl_.enabled())
        rate_limit(client, wire, out);
    if (tracing)
        trace_reply(id, reply);
    if (out.empty())
        return;
    b.reply_peer[b.pending] = slot;
    ++b.pending;
}

// The answer that waits gets a coroutine of its own and goes out alone, so the socket is not held up.
void Shell::answer_later(UdpWorker& w, const Query& query, std::size_t slot, std::uint64_t trace_id)
{
    ++*w.waiting;
    asio::ip::udp::endpoint sender;
    std::memcpy(sender.data(), &w.batch.peers[slot], core::length_of(w.batch.peers[slot]));
    asio::co_spawn(
        w.socket->get_executor(),
        [this, &socket = *w.socket, handler = w.handler, waiting = w.waiting,
         wire = std::vector<std::uint8_t>(query.wire.begin(), query.wire.end()), client = query.client,
         allowed = query.allowed, sender, trace_id]() -> core::awaitable<void> {
            std::vector<std::uint8_t> out;
            Reply reply{out};
            co_await handler->serve_later(Query{wire, client, Transport::udp, allowed, true}, reply);
            --*waiting;
            if (!out.empty() && rrl_.enabled())
                rate_limit(client, wire, out);
            if (core::Trace::instance().enabled())
                trace_reply(trace_id, reply);
            if (!out.empty() && socket.is_open())
                co_await socket.async_send_to(asio::buffer(out), sender, core::use_tuple);
        },
        asio::detached);
}

void Shell::on_batch(UdpWorker& w, std::size_t received)
{
    for (std::size_t i = 0; i < received; ++i)
        on_datagram(w, i, w.batch.received[i].msg_len);
}

core::awaitable<void> Shell::serve_udp(asio::ip::udp::socket& socket, std::shared_ptr<Handler> handler)
{
    auto worker = std::make_unique<UdpWorker>(&socket, std::move(handler));
    co_await core::serve_batches(socket, worker->batch, [&](std::size_t received) { on_batch(*worker, received); });
}

void Shell::serve_udp_on_thread(int fd, const std::atomic<bool>& stopping, std::shared_ptr<Handler> handler)
{
    auto worker = std::make_unique<UdpWorker>(nullptr, std::move(handler));
    core::serve_batches_blocking(fd, worker->batch, stopping,
                                 [&](std::size_t received) { on_batch(*worker, received); });
}

core::awaitable<void> Shell::tcp_session(core::Stream& stream, Handler& handler)
{
    const Client client = client_of(stream.peer());
    const bool allowed = handler.allows(client);  // the address cannot change on a connection
    const bool tracing = core::Trace::instance().enabled();
    TcpFramer framer;
    std::vector<std::uint8_t> buffer(16384), out, wire;
    std::vector<std::vector<std::uint8_t>> more;
    auto send = [&stream](std::vector<std::uint8_t>& bytes) -> core::awaitable<std::error_code> {
        const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        const auto ec = co_await stream.write(text, false);
        bytes.clear();
        co_return ec;
    };
    for (;;) {
        auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));  // each read waits tcp_idle at most
        if (ec || n == 0)
            co_return;
        framer.feed(std::span<const std::uint8_t>(buffer.data(), n));
        // Pipelined queries (RFC 7766 §6.2.1.1) are answered in order; those answered at once
        // go out together, in one write.
        while (auto message = framer.next()) {
            wire.clear();
            more.clear();
            Reply reply{wire, &more};
            const Query query{*message, client, Transport::tcp, allowed, true};
            if (tracing)
                trace_query(stream.id(), *message);
            if (handler.serve(query, reply) == Served::later) {
                if (!out.empty() && co_await send(out))  // the answers before it need not wait
                    co_return;
                co_await handler.serve_later(query, reply);
            }
            if (tracing)
                trace_reply(stream.id(), reply);
            if (!wire.empty())
                append_frame(wire, out);
            for (const auto& m : more)
                append_frame(m, out);
        }
        if (!out.empty() && co_await send(out))
            co_return;
        if (framer.error() != FrameError::none) {
            spdlog::debug("dns: {}: {}; closing", stream.peer_string(), to_string(framer.error()));
            co_return;
        }
    }
}

core::awaitable<void> Shell::serve_tcp(core::TcpSocket socket, Handler& handler)
{
    core::Stream stream(std::move(socket), core::Role::server);
    stream.set_timeout(options_.tcp_idle);
    co_await tcp_session(stream, handler);
    co_await stream.shutdown();
}

}  // namespace layer7::dns
