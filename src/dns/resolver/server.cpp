// Resolver server loops. UDP: a batch of datagrams per system call (recvmmsg/sendmmsg); a
// question answered a moment ago comes from the worker's ReplyCache (bytes, no decode), one the
// resolver's cache answers is encoded on the spot, and only misses get a coroutine of their own,
// so one slow upstream never stalls the socket.
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/net/udp_batch.hpp"
#include "core/trace/trace.hpp"
#include "dns/resolver/reply.hpp"
#include "dns/resolver/reply_cache.hpp"
#include "dns/resolver/service.hpp"
#include "dns/resolver/upstream.hpp"

namespace layer7::dns::resolver {
namespace {

using namespace asio::experimental::awaitable_operators;

void trace_query(std::uint64_t id, const Message& query, const std::string& peer)
{
    auto& t = core::Trace::instance();
    if (!t.enabled() || query.questions.empty())
        return;
    const auto& q = query.questions.front();
    t.line(id, core::Speaker::client,
        fmt::format("{} {} {} {}{}", peer, query.id, q.name.to_text(), to_text(q.type),
            query.flags.rd ? " +rd" : ""));
}

void trace_reply(std::uint64_t id, std::span<const std::uint8_t> wire, bool cached)
{
    auto& t = core::Trace::instance();
    if (!t.enabled())
        return;
    auto h = peek_header(wire);
    if (!h)
        return;
    t.line(id, core::Speaker::server,
        fmt::format(
            "{} {} answer{}", to_text(static_cast<Rcode>(h->rcode)), h->ancount, cached ? " (cache)" : ""));
}

// The answer to a well-formed, allowed query: from the cache, or resolved. Max size: the client's.
core::awaitable<std::vector<std::uint8_t>> resolve_reply(
    const Message& query, IterativeResolver& resolver, std::size_t max_size)
{
    const Question& q = query.questions.front();
    auto answer = co_await resolver.resolve(q.name, q.type);
    if (!answer) {
        spdlog::debug("resolver: {} {}: {}", q.name.to_text(), to_text(q.type), to_string(answer.error()));
        co_return make_error(query, Rcode::serv_fail);
    }
    co_return make_reply(query, *answer, max_size);
}

// One worker's datagram buffers: queries in, replies out, a batch per system call.
// Everything one worker's UDP loop owns.
struct UdpWorker {
    asio::ip::udp::socket& socket;
    IterativeResolver& resolver;
    const Acl& acl;
    std::size_t max_in_flight;
    std::shared_ptr<std::size_t> in_flight = std::make_shared<std::size_t>(0);
    ReplyCache replies{};
    core::UdpBatch batch;
};

ServerAddress address_of(const sockaddr_storage& peer)
{
    ServerAddress s;
    if (peer.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(peer);
        std::memcpy(s.bytes.data(), &in6.sin6_addr, 16);
        s.v6 = true;
        s.port = ntohs(in6.sin6_port);
    } else {
        const auto& in4 = reinterpret_cast<const sockaddr_in&>(peer);
        std::memcpy(s.bytes.data(), &in4.sin_addr, 4);
        s.port = ntohs(in4.sin_port);
    }
    return s;
}

asio::ip::udp::endpoint endpoint_of(const sockaddr_storage& peer)
{
    asio::ip::udp::endpoint e;
    std::memcpy(e.data(), &peer, core::length_of(peer));
    return e;
}

// One datagram in slot `slot`: queues its reply in the batch, or starts its resolution.
void handle_datagram(UdpWorker& w, std::size_t slot, std::size_t length, Instant now)
{
    core::UdpBatch& b = w.batch;
    const std::span<const std::uint8_t> wire(b.slot(slot), length);
    std::vector<std::uint8_t>& reply = b.replies[b.pending];
    auto queue = [&] {
        if (reply.empty())
            return;
        b.reply_peer[b.pending] = slot;
        ++b.pending;
    };
    const bool allowed = w.acl.allows(address_of(b.peers[slot])); // before any cache (RFC 5358)
    const bool tracing = core::Trace::instance().enabled();
    if (allowed && !tracing && w.replies.lookup(wire, now, reply)) {
        queue();
        return;
    }
    Incoming in = take_query(wire, allowed);
    const auto id = tracing ? core::Trace::next_id() : 0;
    if (tracing)
        trace_query(id, in.query, endpoint_of(b.peers[slot]).address().to_string());
    if (in.action == Intake::drop)
        return;
    if (in.action == Intake::reply_now) {
        trace_reply(id, in.wire, false);
        reply = std::move(in.wire);
        queue();
        return;
    }
    if (auto hit = w.resolver.cached(in.query.questions.front())) {
        reply = make_reply(in.query, *hit, reply_size(in.query));
        trace_reply(id, reply, true);
        if (!tracing)
            w.replies.store(wire, reply, now);
        queue();
        return;
    }
    if (*w.in_flight >= w.max_in_flight) {
        reply = make_error(in.query, Rcode::serv_fail);
        queue();
        return;
    }
    ++*w.in_flight;
    asio::co_spawn(
        w.socket.get_executor(),
        [&socket = w.socket, &resolver = w.resolver, in_flight = w.in_flight, query = std::move(in.query),
            sender = endpoint_of(b.peers[slot]), id]() -> core::awaitable<void> {
            auto wire = co_await resolve_reply(query, resolver, reply_size(query));
            --*in_flight;
            trace_reply(id, wire, false);
            if (socket.is_open())
                co_await socket.async_send_to(asio::buffer(wire), sender, core::use_tuple);
        },
        asio::detached);
}

} // namespace

core::awaitable<void> serve_resolver_udp(
    asio::ip::udp::socket& socket, IterativeResolver& resolver, const Acl& acl, std::size_t max_in_flight)
{
    auto worker = std::make_unique<UdpWorker>(socket, resolver, acl, max_in_flight);
    core::UdpBatch& b = worker->batch;
    co_await core::serve_batches(socket, b, [&](std::size_t received) {
        const Instant now = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < received; ++i)
            handle_datagram(*worker, i, b.received[i].msg_len, now);
    });
}
core::awaitable<void> serve_resolver_tcp(core::TcpSocket socket, IterativeResolver& resolver,
    const Acl& acl, std::chrono::seconds idle_timeout)
{
    asio::steady_timer timer(socket.get_executor());
    std::error_code ignored;
    const auto peer = socket.remote_endpoint(ignored);
    const bool allowed = acl.allows(from_endpoint(peer.address(), peer.port()));
    for (;;) {
        // RFC 7766 §6.2.3: an idle connection is closed by the server after a while.
        timer.expires_after(idle_timeout);
        std::array<std::uint8_t, 2> length{};
        auto got = co_await (asio::async_read(socket, asio::buffer(length), core::use_tuple)
            || timer.async_wait(core::use_tuple));
        if (got.index() == 1 || std::get<0>(std::get<0>(got)))
            co_return;
        std::vector<std::uint8_t> query_wire(static_cast<std::size_t>(length[0]) << 8 | length[1]);
        timer.expires_after(idle_timeout);
        auto read = co_await (asio::async_read(socket, asio::buffer(query_wire), core::use_tuple)
            || timer.async_wait(core::use_tuple));
        if (read.index() == 1 || std::get<0>(std::get<0>(read)))
            co_return;
        Incoming in = take_query(query_wire, allowed);
        const auto id = core::Trace::instance().enabled() ? core::Trace::next_id() : 0;
        trace_query(id, in.query, peer.address().to_string());
        if (in.action == Intake::drop)
            co_return;
        std::vector<std::uint8_t> reply = std::move(in.wire);
        if (in.action == Intake::resolve)
            reply = co_await resolve_reply(in.query, resolver, max_message_size);
        trace_reply(id, reply, false);
        std::vector<std::uint8_t> framed{
            static_cast<std::uint8_t>(reply.size() >> 8), static_cast<std::uint8_t>(reply.size())};
        framed.insert(framed.end(), reply.begin(), reply.end());
        auto [ec, n] = co_await asio::async_write(socket, asio::buffer(framed), core::use_tuple);
        if (ec)
            co_return;
    }
}

} // namespace layer7::dns::resolver
