// The authoritative server's I/O shell: see server.hpp.
#include "dns/server/server.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/net/stream.hpp"
#include "core/net/udp_batch.hpp"
#include "core/trace/trace.hpp"
#include "dns/authority/axfr.hpp"
#include "dns/server/control.hpp"
#include "dns/server/responder.hpp"
#include "dns/server/tcp_framing.hpp"

namespace layer7::dns {

// One worker's datagram buffers, its zones and the replies held from them.
struct Server::Batch : core::UdpBatch {
    explicit Batch(const ZoneStore &zones) : held(zones) {}
    HeldAnswers held;
};

namespace {

std::span<const std::uint8_t> address_of(const sockaddr_storage &peer)
{
    if (peer.ss_family == AF_INET)
        return {reinterpret_cast<const std::uint8_t *>(&reinterpret_cast<const sockaddr_in &>(peer).sin_addr), 4};
    if (peer.ss_family == AF_INET6)
        return {reinterpret_cast<const std::uint8_t *>(&reinterpret_cast<const sockaddr_in6 &>(peer).sin6_addr), 16};
    return {};
}

double now_seconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void trace_exchange(std::uint64_t id, const Handled &h, std::span<const std::uint8_t> query,
                    std::span<const std::uint8_t> reply)
{
    auto &trace = core::Trace::instance();
    trace.line(id, core::Speaker::client,
               h.query ? query_summary(*h.query) : "(" + std::to_string(query.size()) + " octets, malformed)");
    if (reply.empty()) {
        trace.note(id, "no reply");
        return;
    }
    if (h.response) {
        std::string s = reply_summary(*h.response);
        auto header = peek_header(reply);
        if (header && header->flags.tc && !h.response->flags.tc)
            s += " (truncated to " + std::to_string(reply.size()) + " octets)";
        trace.line(id, core::Speaker::server, s);
    } else {
        auto header = peek_header(reply);
        trace.line(id, core::Speaker::server, to_text(static_cast<Rcode>(header ? header->rcode : 0)));
    }
}

}  // namespace

RrlAction Server::rate_limit(std::span<const std::uint8_t> address)
{
    if (!rrl_.enabled())
        return RrlAction::send;
    const RrlKey key = rrl_key(address, options_.rrl);
    const double now = now_seconds();
    std::lock_guard lock(rrl_mutex_);
    return rrl_.check(key, now);
}

void Server::handle_datagram(Batch &batch, std::size_t slot, std::size_t length, const ZoneSet &zones)
{
    const std::span<const std::uint8_t> query(batch.slot(slot), length);
    const auto address = address_of(batch.peers[slot]);
    std::vector<std::uint8_t> &reply = batch.replies[batch.pending];  // reused: no allocation on a hit
    const bool tracing = core::Trace::instance().enabled();
    const bool allowed = options_.query_acl.allows(address);
    Handled h;
    if (allowed && !tracing && batch.held.cache.lookup(query, reply)) {
        // A repeated question: the reply is the cached one with this query's id and spelling.
    } else if (!allowed) {
        reply.clear();
        if (vet_query(query) != Vetting::drop)
            reply = header_reply(*peek_header(query), Rcode::refused);
    } else {
        // Answered as asked in lowercase (see AnswerCache::lowercased); the spelling is put back.
        const auto asked = tracing ? std::span<const std::uint8_t>{} : batch.held.cache.lowercased(query);
        h = handle_query(asked.empty() ? query : asked, zones, Transport::udp, options_.answer,
                         options_.control != nullptr);
        if (h.control) {
            auto replies = options_.control->handle(query, address, Transport::udp);
            reply = replies.empty() ? std::vector<std::uint8_t>{} : std::move(replies.front());
        } else {
            reply = std::move(h.wire);
            if (!asked.empty() && h.query && !reply.empty()) {
                batch.held.cache.store(asked, reply);
                AnswerCache::respell(query, reply);
            }
        }
    }
    if (!reply.empty()) {
        switch (rate_limit(address)) {
        case RrlAction::send:
            break;
        case RrlAction::slip:  // from the query as spelled (h.query may be the lowercased one)
            if (auto decoded = decode(query); decoded.ok())
                reply = truncated_reply(decoded.value(), options_.answer);
            else
                reply.clear();
            break;
        case RrlAction::drop:
            reply.clear();
            break;
        }
    }
    if (tracing)
        trace_exchange(core::Trace::next_id(), h, query, reply);
    if (reply.empty())
        return;
    batch.reply_peer[batch.pending] = slot;
    ++batch.pending;
}

core::awaitable<void> Server::serve_udp(asio::ip::udp::socket &socket)
{
    auto batch = std::make_unique<Batch>(zones_);
    co_await core::serve_batches(socket, *batch, [&](std::size_t received) {
        const ZoneSet &zones = batch->held.zones();
        for (std::size_t i = 0; i < received; ++i)
            handle_datagram(*batch, i, batch->received[i].msg_len, zones);
    });
}

void Server::answer_tcp(std::span<const std::uint8_t> query, std::span<const std::uint8_t> address,
                        const ZoneSet &zones, std::uint64_t trace_id, std::vector<std::uint8_t> &out)
{
    auto append = [&](std::span<const std::uint8_t> wire) {
        if (wire.empty() || wire.size() > 0xffff)
            return;
        out.push_back(static_cast<std::uint8_t>(wire.size() >> 8));
        out.push_back(static_cast<std::uint8_t>(wire.size() & 0xff));
        out.insert(out.end(), wire.begin(), wire.end());
    };
    Handled h;
    if (!options_.query_acl.allows(address)) {
        if (vet_query(query) != Vetting::drop)
            h.wire = header_reply(*peek_header(query), Rcode::refused);
    } else {
        h = handle_query(query, zones, Transport::tcp, options_.answer, options_.control != nullptr);
    }
    if (options_.control && (h.control || h.is_transfer())) {
        const auto replies = options_.control->handle(query, address, Transport::tcp);
        if (core::Trace::instance().enabled() && h.query) {
            auto first = replies.empty() ? std::nullopt : peek_header(replies.front());
            core::Trace::instance().line(trace_id, core::Speaker::client, query_summary(*h.query));
            core::Trace::instance().line(trace_id, core::Speaker::server,
                                         (first ? to_text(static_cast<Rcode>(first->rcode)) : std::string("no reply")) +
                                             ", " + std::to_string(replies.size()) + " message(s)");
        }
        for (const auto &wire : replies)
            append(wire);
        return;
    }
    if (h.is_transfer() && h.response) {
        if (!options_.axfr_allow.contains(address)) {
            h.response->rcode = Rcode::refused;  // RFC 5936 §6: transfers only to whom policy allows
            h.response->flags.aa = false;
            h.response->answers.clear();  // answer() gave IXFR our SOA
            h.wire = encode(*h.response);
        } else {
            const auto messages = axfr(*h.query, zones);
            std::size_t records = 0;
            for (const auto &m : messages) {
                append(encode(m));
                records += m.answers.size();
            }
            if (core::Trace::instance().enabled()) {
                core::Trace::instance().line(trace_id, core::Speaker::client, query_summary(*h.query));
                core::Trace::instance().line(trace_id, core::Speaker::server,
                                             to_text(messages.empty() ? Rcode::serv_fail : messages.front().rcode) +
                                                 " " + to_text(h.query->questions[0].type) + " " +
                                                 std::to_string(messages.size()) + " messages, " +
                                                 std::to_string(records) + " records");
            }
            return;
        }
    }
    if (core::Trace::instance().enabled())
        trace_exchange(trace_id, h, query, h.wire);
    append(h.wire);
}

core::awaitable<void> Server::tcp_session(core::Stream &stream)
{
    const auto peer = stream.peer().address();
    std::array<std::uint8_t, 16> address_bytes{};
    std::size_t address_size = 4;
    if (peer.is_v4()) {
        auto b = peer.to_v4().to_bytes();
        std::copy(b.begin(), b.end(), address_bytes.begin());
    } else {
        auto b = peer.to_v6().to_bytes();
        std::copy(b.begin(), b.end(), address_bytes.begin());
        address_size = 16;
    }
    const std::span<const std::uint8_t> address(address_bytes.data(), address_size);
    TcpFramer framer;
    std::vector<std::uint8_t> buffer(16384), out;
    for (;;) {
        auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
        if (ec || n == 0)
            co_return;
        framer.feed(std::span<const std::uint8_t>(buffer.data(), n));
        const auto zones = zones_.get();
        out.clear();
        // Pipelined queries (RFC 7766 §6.2.1.1) are answered in order, all in one write.
        while (auto message = framer.next())
            answer_tcp(*message, address, *zones, stream.id(), out);
        if (!out.empty() &&
            co_await stream.write(std::string_view(reinterpret_cast<const char *>(out.data()), out.size()), false))
            co_return;
        if (framer.error() != FrameError::none) {
            spdlog::debug("dns: {}: {}; closing", stream.peer_string(), to_string(framer.error()));
            co_return;
        }
    }
}

core::awaitable<void> Server::serve_tcp(core::TcpSocket socket)
{
    core::Stream stream(std::move(socket), core::Role::server);
    stream.set_timeout(options_.tcp_idle);
    co_await tcp_session(stream);
    co_await stream.shutdown();
}

}  // namespace layer7::dns
