// Resolver server loops: cached answers straight from the receive loop; misses resolved in a
// coroutine of their own so one slow upstream never stalls the socket.
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/trace/trace.hpp"
#include "dns/resolver/reply.hpp"
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

} // namespace

core::awaitable<void> serve_resolver_udp(
    asio::ip::udp::socket& socket, IterativeResolver& resolver, const Acl& acl, std::size_t max_in_flight)
{
    std::vector<std::uint8_t> buffer(65535);
    asio::ip::udp::endpoint sender;
    auto in_flight = std::make_shared<std::size_t>(0);
    for (;;) {
        auto [ec, n] = co_await socket.async_receive_from(asio::buffer(buffer), sender, core::use_tuple);
        if (ec == asio::error::operation_aborted || !socket.is_open())
            co_return;
        if (ec)
            continue;
        const bool allowed = acl.allows(from_endpoint(sender.address(), sender.port()));
        Incoming in = take_query(std::span<const std::uint8_t>(buffer.data(), n), allowed);
        const auto id = core::Trace::instance().enabled() ? core::Trace::next_id() : 0;
        trace_query(id, in.query, sender.address().to_string());
        if (in.action == Intake::drop)
            continue;
        if (in.action == Intake::reply_now) {
            trace_reply(id, in.wire, false);
            co_await socket.async_send_to(asio::buffer(in.wire), sender, core::use_tuple);
            continue;
        }
        if (auto hit = resolver.cached(in.query.questions.front())) {
            auto wire = make_reply(in.query, *hit, reply_size(in.query));
            trace_reply(id, wire, true);
            co_await socket.async_send_to(asio::buffer(wire), sender, core::use_tuple);
            continue;
        }
        if (*in_flight >= max_in_flight) {
            auto wire = make_error(in.query, Rcode::serv_fail);
            co_await socket.async_send_to(asio::buffer(wire), sender, core::use_tuple);
            continue;
        }
        ++*in_flight;
        asio::co_spawn(
            socket.get_executor(),
            [&socket, &resolver, in_flight, query = std::move(in.query), sender,
                id]() -> core::awaitable<void> {
                auto wire = co_await resolve_reply(query, resolver, reply_size(query));
                --*in_flight;
                trace_reply(id, wire, false);
                if (socket.is_open())
                    co_await socket.async_send_to(asio::buffer(wire), sender, core::use_tuple);
            },
            asio::detached);
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
