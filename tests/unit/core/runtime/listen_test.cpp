// The start-up listen: the bound port comes back in the configured host's words, and a port in use
// stops the start with the line every service gives.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "core/runtime/listen.hpp"
#include "core/service.hpp"

namespace layer7::core {
namespace {

awaitable<void> ignore(TcpSocket)
{
    co_return;
}

std::string in_use()
{
    return std::error_code(EADDRINUSE, std::system_category()).message();
}

// The StartError's line, or "" when nothing was thrown.
template <class Start>
std::string start_error(Start start)
{
    try {
        start();
    } catch (const StartError& e) {
        return e.what();
    }
    return "";
}

TEST(StartupListen, PortZeroComesBackAsTheBoundPort)
{
    Runtime runtime(1);
    const HostPort bound = listen_tcp_or_throw(runtime, "echo", {"127.0.0.1", 0}, 10, ignore);
    EXPECT_EQ(bound.host, "127.0.0.1");
    EXPECT_NE(bound.port, 0);
    const HostPort udp = listen_udp_or_throw(runtime, "echo", {"127.0.0.1", 0},
                                             [](asio::ip::udp::socket&) -> awaitable<void> { co_return; });
    EXPECT_NE(udp.port, 0);
}

TEST(StartupListen, APortInUseStopsTheStartWithTheServicesLine)
{
    asio::io_context io;
    asio::ip::tcp::acceptor tcp(io, {asio::ip::make_address("127.0.0.1"), 0});
    asio::ip::udp::socket udp(io, {asio::ip::make_address("127.0.0.1"), 0});
    const auto tcp_port = tcp.local_endpoint().port(), udp_port = udp.local_endpoint().port();
    Runtime runtime(1);
    EXPECT_EQ(start_error([&] {
                  listen_tcp_or_throw(runtime, "dns", {"127.0.0.1", tcp_port}, 10, ignore, FirstSpeaker::client, "tcp");
              }),
              "dns: cannot listen on 127.0.0.1:" + std::to_string(tcp_port) + " (tcp): " + in_use());
    EXPECT_EQ(start_error([&] {
                  listen_udp_or_throw(runtime, "hierarchy", {"127.0.0.1", udp_port},
                                      [](asio::ip::udp::socket&) -> awaitable<void> { co_return; });
              }),
              "hierarchy: cannot listen on 127.0.0.1:" + std::to_string(udp_port) + ": " + in_use());
}

}  // namespace
}  // namespace layer7::core
