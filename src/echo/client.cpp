// Echo client: the textbook's TCPClient / UDPClient.
#include <iostream>

#include "core/net/resolve.hpp"
#include "core/net/stream.hpp"
#include "echo/echo.hpp"

namespace layer7::echo {

using namespace asio::experimental::awaitable_operators;

namespace {

core::awaitable<int> send_tcp(core::HostPort server, std::string text, std::chrono::seconds timeout)
{
    auto [ec, socket] = co_await core::connect_tcp(server, timeout);
    if (ec) {
        std::cerr << "layer7: cannot connect to " << core::to_string(server) << ": " << ec.message() << "\n";
        co_return 1;
    }
    core::Stream stream(std::move(socket), core::Role::client);
    stream.set_timeout(timeout);
    // The reply is as long as what we sent (upper-casing keeps the length); read until it is all
    // here or the server closes, so a server that answers in pieces, or closes after one
    // reply as the textbook's does, both work.
    const std::string sent = text + "\r\n";
    if (auto wec = co_await stream.write(sent)) {
        std::cerr << "layer7: cannot send to " << core::to_string(server) << ": " << wec.message() << "\n";
        co_return 1;
    }
    std::string reply;
    char buffer[4096];
    while (reply.size() < sent.size()) {
        auto [rec, n] = co_await stream.read_some(asio::buffer(buffer));
        if (rec || n == 0)
            break;
        reply.append(buffer, n);
    }
    core::Trace::instance().block(stream.id(), stream.them(), reply);
    if (reply.empty()) {
        std::cerr << "layer7: no reply from " << core::to_string(server) << (stream.timed_out() ? " (timed out)" : "")
                  << "\n";
        co_return 1;
    }
    std::string_view shown(reply);
    if (shown.ends_with("\r\n"))
        shown.remove_suffix(2);
    std::cout << shown << "\n";
    co_return 0;
}

core::awaitable<int> send_udp(core::HostPort server, std::string text, std::chrono::seconds timeout)
{
    auto executor = co_await asio::this_coro::executor;
    asio::ip::udp::resolver resolver(executor);
    auto [rec, results] = co_await resolver.async_resolve(server.host, std::to_string(server.port), core::use_tuple);
    if (rec || results.empty()) {
        std::cerr << "layer7: cannot resolve " << server.host << ": " << rec.message() << "\n";
        co_return 1;
    }
    const auto endpoint = results.begin()->endpoint();
    asio::ip::udp::socket socket(executor, endpoint.protocol());
    socket.connect(endpoint);  // only the server's replies, and ICMP unreachable as an error
    co_await socket.async_send(asio::buffer(text), core::use_tuple);
    char buffer[65536];
    asio::steady_timer timer(executor, timeout);
    auto result =
        co_await (socket.async_receive(asio::buffer(buffer), core::use_tuple) || timer.async_wait(core::use_tuple));
    if (result.index() == 1) {
        std::cerr << "layer7: no reply from " << core::to_string(server) << " (timed out)\n";
        co_return 1;
    }
    auto [ec, n] = std::get<0>(result);
    if (ec) {
        std::cerr << "layer7: " << core::to_string(server) << ": " << ec.message() << "\n";
        co_return 1;
    }
    std::cout << std::string_view(buffer, n) << "\n";
    co_return 0;
}

}  // namespace

int send(const core::HostPort& server, const std::string& text, bool udp, std::chrono::seconds timeout)
{
    asio::io_context context;
    int status = 1;
    asio::co_spawn(context, udp ? send_udp(server, text, timeout) : send_tcp(server, text, timeout),
                   [&](std::exception_ptr e, int s) {
                       if (e)
                           std::rethrow_exception(e);
                       status = s;
                   });
    context.run();
    return status;
}

}  // namespace layer7::echo
