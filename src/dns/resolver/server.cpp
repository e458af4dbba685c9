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
struct UdpBatch {
    static constexpr std::size_t size = 32;
    static constexpr std::size_t slot_bytes = 4096; // a query is far smaller; a longer one is cut: FORMERR

    std::vector<std::uint8_t> in = std::vector<std::uint8_t>(size * slot_bytes);
    std::array<sockaddr_storage, size> peers{};
    std::array<mmsghdr, size> received{};
    std::array<iovec, size> received_iov{};
    std::array<std::vector<std::uint8_t>, size> replies; // reused: no allocation per reply
    std::array<std::size_t, size> reply_peer{};
    std::array<mmsghdr, size> sent{};
    std::array<iovec, size> sent_iov{};
    std::size_t pending = 0;

    std::uint8_t* slot(std::size_t i) { return in.data() + i * slot_bytes; }
};

// Everything one worker's UDP loop owns.
struct UdpWorker {
    asio::ip::udp::socket& socket;
    IterativeResolver& resolver;
    const Acl& acl;
    std::size_t max_in_flight;
    std::shared_ptr<std::size_t> in_flight = std::make_shared<std::size_t>(0);
    ReplyCache replies{};
    UdpBatch batch;
};

socklen_t length_of(const sockaddr_storage& peer)
{
    return peer.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

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
    std::memcpy(e.data(), &peer, length_of(peer));
    return e;
}

// Receives into slots [first, size) without waiting; the number received (0 if none).
std::size_t receive_batch(int fd, UdpBatch& b, std::size_t first)
{
    for (std::size_t i = first; i < b.size; ++i) {
        b.received_iov[i] = {b.slot(i), b.slot_bytes};
        b.received[i].msg_hdr = {};
        b.received[i].msg_hdr.msg_name = &b.peers[i];
        b.received[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        b.received[i].msg_hdr.msg_iov = &b.received_iov[i];
        b.received[i].msg_hdr.msg_iovlen = 1;
    }
    int n;
    do
        n = ::recvmmsg(fd, &b.received[first], static_cast<unsigned>(b.size - first), MSG_DONTWAIT, nullptr);
    while (n < 0 && errno == EINTR);
    return n < 0 ? 0 : static_cast<std::size_t>(n);
}

// Sends every queued reply; one the kernel refuses (or a full buffer) is dropped, as UDP may.
void send_batch(int fd, UdpBatch& b)
{
    for (std::size_t i = 0; i < b.pending; ++i) {
        b.sent_iov[i] = {b.replies[i].data(), b.replies[i].size()};
        b.sent[i].msg_hdr = {};
        b.sent[i].msg_hdr.msg_name = &b.peers[b.reply_peer[i]];
        b.sent[i].msg_hdr.msg_namelen = length_of(b.peers[b.reply_peer[i]]);
        b.sent[i].msg_hdr.msg_iov = &b.sent_iov[i];
        b.sent[i].msg_hdr.msg_iovlen = 1;
    }
    std::size_t done = 0;
    while (done < b.pending) {
        int n = ::sendmmsg(fd, &b.sent[done], static_cast<unsigned>(b.pending - done), MSG_DONTWAIT);
        if (n > 0)
            done += static_cast<std::size_t>(n);
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break; // socket buffer full: the clients will retry
        else
            ++done; // this one cannot be sent (unreachable, bad address): skip it
    }
    b.pending = 0;
}

// One datagram in slot `slot`: queues its reply in the batch, or starts its resolution.
void handle_datagram(UdpWorker& w, std::size_t slot, std::size_t length, Instant now)
{
    UdpBatch& b = w.batch;
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
    UdpBatch& b = worker->batch;
    const int fd = socket.native_handle();
    asio::ip::udp::endpoint sender;
    for (;;) {
        // The first datagram through asio (which waits correctly), the rest of the queue in batches.
        auto [ec, n] = co_await socket.async_receive_from(
            asio::buffer(b.slot(0), UdpBatch::slot_bytes), sender, core::use_tuple);
        if (ec == asio::error::operation_aborted || !socket.is_open())
            co_return;
        if (ec)
            continue; // ICMP errors from earlier sends surface here
        const Instant now = std::chrono::steady_clock::now();
        std::memcpy(&b.peers[0], sender.data(), sender.size());
        handle_datagram(*worker, 0, n, now);
        std::size_t first = 1;
        for (int round = 0; round < 8; ++round) { // then let the worker's TCP connections run
            const std::size_t got = receive_batch(fd, b, first);
            for (std::size_t i = first; i < first + got; ++i)
                handle_datagram(*worker, i, b.received[i].msg_len, now);
            send_batch(fd, b);
            if (first + got < UdpBatch::size)
                break;
            first = 0;
        }
    }
}
core::awaitable<void> serve_resolver_tcp(asio::ip::tcp::socket socket, IterativeResolver& resolver,
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
