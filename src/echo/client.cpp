// Echo client: the textbook's TCPClient / UDPClient.
#include <iostream>

#include "core/net/line_reader.hpp"
#include "core/net/resolve.hpp"
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
    int status = 1;
    auto dialogue = [&]() -> core::awaitable<void> {
        if (co_await stream.write(text + "\r\n"))
            co_return;
        core::LineReader reader(stream, 1 << 20);
        core::ReadLine line = co_await reader.read_line();
        if (line.status == core::ReadStatus::line) {
            std::cout << line.text << "\n";
            status = 0;
        } else {
            std::cerr << "layer7: no reply from " << core::to_string(server)
                      << (line.status == core::ReadStatus::timed_out ? " (timed out)" : "") << "\n";
        }
    };
    co_await dialogue();
    co_return status;
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
    auto result = co_await (socket.async_receive(asio::buffer(buffer), core::use_tuple) ||
                            timer.async_wait(core::use_tuple));
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
