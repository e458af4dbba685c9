// Stream, LineReader and TLS over real loopback sockets, in one process: a STARTTLS-style
// upgrade on both sides, the idle-timeout watchdog, and the port-in-use check of Runtime.
#include "core/net/line_reader.hpp"
#include "core/net/resolve.hpp"
#include "core/net/stream.hpp"
#include "core/net/tls.hpp"
#include "core/runtime/runtime.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace layer7::core {
namespace {

using namespace asio::experimental::awaitable_operators;
using tcp = asio::ip::tcp;

struct Pair {
    asio::io_context context;
    tcp::acceptor acceptor{context, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
    tcp::socket server{context};
    tcp::socket client{context};
    Pair()
    {
        client.connect(acceptor.local_endpoint());
        server = acceptor.accept();
    }
};

std::string temp_dir()
{
    auto dir = std::filesystem::temp_directory_path() / ("layer7-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir.string();
}

TEST(Stream, UpgradesAPlainConnectionToTlsOnBothSides)
{
    Pair pair;
    const auto certs = ensure_dev_certificate(temp_dir(), {"localhost", "127.0.0.1"});
    auto server_tls = make_server_tls(certs.cert, certs.key);
    auto client_tls = make_client_tls(certs.cert);  // trust our own self-signed certificate
    std::string server_saw, client_saw;
    bool server_tls_on = false, client_tls_on = false;

    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.server), Role::server);
            LineReader r(s, 100);
            auto line = co_await r.read_line();
            EXPECT_EQ(line.text, "STARTTLS");
            EXPECT_FALSE(co_await s.write("220 go ahead\r\n"));
            r.discard_buffered();
            EXPECT_FALSE(co_await s.start_tls_server(*server_tls));
            server_tls_on = s.is_tls();
            line = co_await r.read_line();
            server_saw = std::string(line.text);
            EXPECT_FALSE(co_await s.write("250 secret received\r\n"));
            co_await s.shutdown();
        },
        asio::detached);
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.client), Role::client);
            LineReader r(s, 100);
            EXPECT_FALSE(co_await s.write("STARTTLS\r\n"));
            auto line = co_await r.read_line();
            EXPECT_EQ(line.text, "220 go ahead");
            EXPECT_FALSE(co_await s.start_tls_client(*client_tls, "localhost"));
            client_tls_on = s.is_tls();
            EXPECT_FALSE(co_await s.write("AUTH PLAIN c2VjcmV0\r\n"));
            line = co_await r.read_line();
            client_saw = std::string(line.text);
        },
        asio::detached);
    pair.context.run_for(std::chrono::seconds(10));
    EXPECT_TRUE(server_tls_on);
    EXPECT_TRUE(client_tls_on);
    EXPECT_EQ(server_saw, "AUTH PLAIN c2VjcmV0");
    EXPECT_EQ(client_saw, "250 secret received");
}

TEST(Stream, ClientRejectsACertificateForAnotherName)
{
    Pair pair;
    const auto certs = ensure_dev_certificate(temp_dir(), {"localhost", "127.0.0.1"});
    auto server_tls = make_server_tls(certs.cert, certs.key);
    auto client_tls = make_client_tls(certs.cert);
    std::error_code client_ec;
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.server), Role::server);
            co_await s.start_tls_server(*server_tls);
        },
        asio::detached);
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.client), Role::client);
            client_ec = co_await s.start_tls_client(*client_tls, "mail.crepes.fr");
        },
        asio::detached);
    pair.context.run_for(std::chrono::seconds(10));
    EXPECT_TRUE(client_ec);
}

TEST(Stream, WatchdogCutsAnIdlePeer)
{
    Pair pair;
    ReadStatus status = ReadStatus::line;
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.server), Role::server);
            s.set_timeout(std::chrono::milliseconds(200));
            LineReader r(s, 100);
            auto session = [&]() -> awaitable<void> { status = (co_await r.read_line()).status; };
            co_await (session() || s.watchdog());
        },
        asio::detached);
    pair.context.run_for(std::chrono::seconds(5));
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(status, ReadStatus::timed_out);
    EXPECT_GE(took, std::chrono::milliseconds(200));
    EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(Stream, ActivityKeepsTheConnectionAlive)
{
    Pair pair;
    int lines = 0;
    ReadStatus last = ReadStatus::line;
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.server), Role::server);
            s.set_timeout(std::chrono::milliseconds(300));
            LineReader r(s, 100);
            auto session = [&]() -> awaitable<void> {
                for (;;) {
                    auto line = co_await r.read_line();
                    last = line.status;
                    if (line.status != ReadStatus::line)
                        co_return;
                    ++lines;
                }
            };
            co_await (session() || s.watchdog());
        },
        asio::detached);
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            asio::steady_timer t(pair.context);
            for (int i = 0; i < 5; ++i) {  // 5 × 150 ms: longer than one timeout in total
                t.expires_after(std::chrono::milliseconds(150));
                co_await t.async_wait(use_tuple);
                co_await asio::async_write(pair.client, asio::buffer(std::string("tick\r\n")), use_tuple);
            }
            pair.client.close();
        },
        asio::detached);
    pair.context.run_for(std::chrono::seconds(5));
    EXPECT_EQ(lines, 5);
    EXPECT_EQ(last, ReadStatus::closed);
}

TEST(Runtime, PortInUseIsAnError)
{
    asio::io_context context;
    tcp::acceptor holder(context, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    Runtime runtime(2);
    auto [ec, bound] = runtime.listen_tcp(holder.local_endpoint(), 10, [](tcp::socket) -> awaitable<void> {
        co_return;
    });
    EXPECT_EQ(ec, asio::error::address_in_use);
}

TEST(Runtime, SharesAPortAcrossWorkersAndStops)
{
    Runtime runtime(2);
    std::atomic<int> served{0};
    auto [ec, bound] = runtime.listen_tcp(tcp::endpoint(asio::ip::address_v4::loopback(), 0), 100,
                                          [&](tcp::socket s) -> awaitable<void> {
                                              co_await asio::async_write(s, asio::buffer(std::string("hi\n")),
                                                                         use_tuple);
                                              ++served;
                                          });
    ASSERT_FALSE(ec);
    ASSERT_NE(bound.port(), 0);
    std::thread clients([&] {
        asio::io_context context;
        for (int i = 0; i < 20; ++i) {
            tcp::socket s(context);
            s.connect(bound);
            char buf[3];
            asio::read(s, asio::buffer(buf));
        }
        runtime.stop();
    });
    runtime.run(std::chrono::milliseconds(500));
    clients.join();
    EXPECT_EQ(served.load(), 20);
}

TEST(Resolve, LiteralsOnlyForListeners)
{
    EXPECT_TRUE(tcp_endpoint({"127.0.0.1", 1}));
    EXPECT_TRUE(tcp_endpoint({"::1", 1}));
    EXPECT_TRUE(tcp_endpoint({"localhost", 1}));
    EXPECT_FALSE(tcp_endpoint({"example.org", 1}));
}

}  // namespace
}  // namespace layer7::core
