// Upstream exchange over UDP and TCP, every wait bounded by one deadline.
#include "dns/resolver/upstream.hpp"

#include <openssl/rand.h>

#include <vector>

#include "dns/client/transport.hpp"
#include "dns/resolver/classify.hpp"

namespace layer7::dns::resolver {

using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

std::uint32_t random_u32()
{
    std::uint32_t v = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1)
        throw std::runtime_error("RAND_bytes failed");  // no entropy: a bug in the host, not input
    return v;
}

asio::ip::udp::endpoint to_udp(const ServerAddress& a)
{
    if (a.v6)
        return {asio::ip::address_v6(a.bytes), a.port};
    return {asio::ip::address_v4({a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]}), a.port};
}

asio::ip::tcp::endpoint to_tcp(const ServerAddress& a)
{
    auto u = to_udp(a);
    return {u.address(), u.port()};
}

ServerAddress from_endpoint(const asio::ip::address& address, std::uint16_t port)
{
    ServerAddress s;
    s.port = port;
    if (address.is_v4()) {
        auto b = address.to_v4().to_bytes();
        std::copy(b.begin(), b.end(), s.bytes.begin());
    } else {
        s.bytes = address.to_v6().to_bytes();
        s.v6 = true;
    }
    return s;
}

namespace {

// Binds to a random port above 1024 (RFC 5452 §10: source port randomisation), falling back to
// the kernel's choice after a few collisions.
std::error_code bind_random(asio::ip::udp::socket& socket, bool v6)
{
    std::error_code ec;
    socket.open(v6 ? asio::ip::udp::v6() : asio::ip::udp::v4(), ec);
    if (ec)
        return ec;
    auto any = v6 ? asio::ip::address(asio::ip::address_v6::any()) : asio::ip::address(asio::ip::address_v4::any());
    for (int i = 0; i < 8; ++i) {
        auto port = static_cast<std::uint16_t>(1024 + random_u32() % (65536 - 1024));
        socket.bind({any, port}, ec);
        if (!ec)
            return ec;
    }
    socket.bind({any, 0}, ec);
    return ec;
}

std::chrono::microseconds since(Clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

}  // namespace

core::awaitable<Exchange> exchange_udp(const Message& query, const ServerAddress& server,
                                       std::chrono::milliseconds timeout, std::size_t max_reply)
{
    Exchange out;
    auto executor = co_await asio::this_coro::executor;
    asio::ip::udp::socket socket(executor);
    if ((out.error = bind_random(socket, server.v6)))
        co_return out;
    const auto endpoint = to_udp(server);
    socket.connect(endpoint, out.error);
    if (out.error)
        co_return out;
    const auto wire = encode(query, 512);
    const auto start = Clock::now();
    asio::steady_timer timer(executor);
    timer.expires_after(timeout);
    auto [send_ec, sent] = co_await socket.async_send(asio::buffer(wire), core::use_tuple);
    if ((out.error = send_ec))
        co_return out;
    std::vector<std::uint8_t> buffer(std::max<std::size_t>(max_reply, 512));
    for (;;) {
        auto result =
            co_await (socket.async_receive(asio::buffer(buffer), core::use_tuple) || timer.async_wait(core::use_tuple));
        if (result.index() == 1) {
            out.error = std::make_error_code(std::errc::timed_out);
            co_return out;
        }
        auto [ec, n] = std::get<0>(result);
        if (ec) {
            out.error = ec;  // ECONNREFUSED from an ICMP port unreachable: nobody serves there
            co_return out;
        }
        auto decoded = decode(std::span<const std::uint8_t>(buffer.data(), n));
        if (!decoded || !answers_query(query, *decoded)) {
            ++out.mismatched;  // a spoof attempt or a late reply to an earlier query: keep waiting
            continue;
        }
        out.response = std::move(decoded).value();
        out.rtt = since(start);
        co_return out;
    }
}

core::awaitable<Exchange> exchange_tcp(const Message& query, const ServerAddress& server,
                                       std::chrono::milliseconds timeout)
{
    Exchange out;
    auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::socket socket(executor);
    asio::steady_timer timer(executor);
    timer.expires_after(timeout);
    const auto start = Clock::now();
    auto timed_out = [&] { return std::make_error_code(std::errc::timed_out); };

    auto connected =
        co_await (socket.async_connect(to_tcp(server), core::use_tuple) || timer.async_wait(core::use_tuple));
    if (connected.index() == 1)
        co_return out.error = timed_out(), out;
    if (auto [ec] = std::get<0>(connected); ec)
        co_return out.error = ec, out;

    const auto wire = frame(encode(query));
    auto written =
        co_await (asio::async_write(socket, asio::buffer(wire), core::use_tuple) || timer.async_wait(core::use_tuple));
    if (written.index() == 1)
        co_return out.error = timed_out(), out;
    if (auto [ec, n] = std::get<0>(written); ec)
        co_return out.error = ec, out;

    TcpFramer framer;
    for (;;) {
        auto got = co_await (read_message(socket, framer) || timer.async_wait(core::use_tuple));
        if (got.index() == 1)
            co_return out.error = timed_out(), out;
        auto [ec, reply] = std::get<0>(got);
        if (ec == std::errc::bad_message)
            ++out.mismatched;  // a length no message can have: an undecodable reply
        if (ec)
            co_return out.error = ec, out;
        auto decoded = decode(reply);
        if (!decoded || !answers_query(query, *decoded)) {
            ++out.mismatched;
            if (!decoded)
                co_return out.error = std::make_error_code(std::errc::bad_message), out;
            continue;
        }
        out.response = std::move(decoded).value();
        out.rtt = since(start);
        co_return out;
    }
}

}  // namespace layer7::dns::resolver
