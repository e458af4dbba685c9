// One DNS exchange over UDP or TCP: see transport.hpp.
#include "dns/client/transport.hpp"

#include <array>
#include <iterator>
#include <random>

#include "dns/client/dig_format.hpp"

namespace layer7::dns {

using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

std::uint16_t random_id()
{
    // Per thread, not a worker's slot: any seeded engine will do, and none holds a service's state.
    static thread_local std::mt19937 engine{std::random_device{}()};
    return static_cast<std::uint16_t>(std::uniform_int_distribution<unsigned>(0, 0xffff)(engine));
}

namespace {

long since(Clock::time_point start)
{
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

std::uint64_t unix_now()
{
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// The query's wire form, signed when the options carry a key.
std::vector<std::uint8_t> query_wire(const Message& query, const ExchangeOptions& options, TsigSession& session)
{
    auto wire = encode(query);
    if (options.tsig) {
        session = TsigSession(*options.tsig);
        session.sign(wire, unix_now());
    }
    return wire;
}

// "" when the reply's TSIG checks out (or no key is in use), else why not.
std::string check_tsig(const ExchangeOptions& options, TsigSession& session, std::span<const std::uint8_t> wire)
{
    if (!options.tsig)
        return {};
    const TsigError error = session.verify_reply(wire, unix_now());
    return error == TsigError::none ? std::string() : "TSIG " + to_text(error);
}

// Waits for a matching datagram until `deadline`; others (wrong id, wrong question) are ignored.
core::awaitable<Exchange> udp_try(asio::ip::udp::socket& socket, const Message& query, Clock::time_point deadline,
                                  const ExchangeOptions& options, TsigSession& session)
{
    Exchange out;
    std::vector<std::uint8_t> buffer(65535);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_at(deadline);
        auto result =
            co_await (socket.async_receive(asio::buffer(buffer), core::use_tuple) || timer.async_wait(core::use_tuple));
        if (result.index() == 1) {
            out.error = "timed out";
            co_return out;
        }
        auto [ec, n] = std::get<0>(result);
        if (ec) {
            out.error = ec.message();
            co_return out;
        }
        auto reply = decode(std::span<const std::uint8_t>(buffer.data(), n));
        if (!reply.ok() || !matches(query, reply.value()))
            continue;  // not the answer to this query: a spoof or a late reply to an earlier try
        out.error = check_tsig(options, session, std::span<const std::uint8_t>(buffer.data(), n));
        out.reply = std::move(reply).value();
        out.size = n;
        co_return out;
    }
}

core::awaitable<Exchange> over_udp(const asio::ip::udp::endpoint& server, const Message& query,
                                   const ExchangeOptions& options)
{
    Exchange out;
    asio::ip::udp::socket socket(co_await asio::this_coro::executor);
    std::error_code ec;
    socket.open(server.protocol(), ec);
    if (!ec)
        socket.connect(server, ec);  // a connected socket only takes datagrams from the server
    if (ec) {
        out.error = ec.message();
        co_return out;
    }
    TsigSession session;
    const auto wire = query_wire(query, options, session);
    for (int attempt = 0; attempt < options.tries; ++attempt) {
        const auto start = Clock::now();
        auto [send_ec, sent] = co_await socket.async_send(asio::buffer(wire), core::use_tuple);
        if (send_ec) {
            out.error = send_ec.message();
            continue;
        }
        out = co_await udp_try(socket, query, start + options.timeout, options, session);
        out.elapsed_ms = since(start);
        if (out.error.empty() || out.error != "timed out")
            co_return out;
    }
    co_return out;
}

core::awaitable<Exchange> over_tcp(const asio::ip::tcp::endpoint& server, const Message& query,
                                   const ExchangeOptions& options)
{
    Exchange out;
    out.tcp = true;
    const auto start = Clock::now();
    asio::ip::tcp::socket socket(co_await asio::this_coro::executor);
    TsigSession tsig;
    auto wire = query_wire(query, options, tsig);
    const auto framed = frame(wire);
    TcpFramer framer;
    auto session = [&]() -> core::awaitable<std::string> {
        if (auto [ec] = co_await socket.async_connect(server, core::use_tuple); ec)
            co_return ec.message();
        if (auto [ec, n] = co_await asio::async_write(socket, asio::buffer(framed), core::use_tuple); ec)
            co_return ec.message();
        TransferEnd end(query.questions.empty() ? RrType::axfr : query.questions.front().type);
        for (bool first = true;;) {
            auto [ec, body] = co_await read_message(socket, framer);
            if (ec == std::errc::bad_message)
                co_return std::string(to_string(framer.error()));
            if (ec)
                co_return ec == asio::error::eof ? "connection closed" : ec.message();
            auto reply = decode(body);
            if (!reply.ok())
                continue;
            if (first && !matches(query, reply.value()))
                continue;
            if (auto bad = check_tsig(options, tsig, body); !bad.empty())
                co_return bad;
            if (first) {
                out.reply = std::move(reply).value();
                out.size = body.size();
                first = false;
                if (!options.transfer || out.reply.rcode != Rcode::no_error || end.add(out.reply.answers))
                    co_return std::string();
                continue;
            }
            // RFC 5936 §2.2: later messages carry the query's id and (usually) no question.
            Message& more = reply.value();
            if (!more.flags.qr || more.id != query.id)
                continue;
            if (more.rcode != Rcode::no_error)
                co_return "transfer failed: " + to_text(more.rcode);
            out.size += body.size();
            ++out.messages;
            const bool done = end.add(more.answers);
            out.reply.answers.insert(out.reply.answers.end(), std::make_move_iterator(more.answers.begin()),
                                     std::make_move_iterator(more.answers.end()));
            if (done)
                co_return std::string();
        }
    };
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(options.timeout * std::max(1, options.tries));
    auto result = co_await (session() || timer.async_wait(core::use_tuple));
    out.error = result.index() == 1 ? "timed out" : std::get<0>(result);
    out.elapsed_ms = since(start);
    co_return out;
}

}  // namespace

core::awaitable<std::pair<std::error_code, std::span<const std::uint8_t>>> read_message(asio::ip::tcp::socket& socket,
                                                                                        TcpFramer& framer)
{
    std::array<std::uint8_t, 4096> buffer;
    for (;;) {
        if (auto message = framer.next())
            co_return std::pair(std::error_code(), *message);
        if (framer.error() != FrameError::none)
            co_return std::pair(std::make_error_code(std::errc::bad_message), std::span<const std::uint8_t>());
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), core::use_tuple);
        if (ec)
            co_return std::pair(ec, std::span<const std::uint8_t>());
        framer.feed(std::span<const std::uint8_t>(buffer.data(), n));
    }
}

core::awaitable<Exchange> exchange(const asio::ip::address& server, std::uint16_t port, const Message& query,
                                   const ExchangeOptions& options)
{
    if (options.tcp)
        co_return co_await over_tcp({server, port}, query, options);
    Exchange udp = co_await over_udp({server, port}, query, options);
    if (udp.error.empty() && udp.reply.flags.tc && options.retry_tcp_on_tc) {
        Exchange tcp = co_await over_tcp({server, port}, query, options);
        tcp.truncated_first = true;
        co_return tcp;
    }
    co_return udp;
}

}  // namespace layer7::dns
