// Runtime and WorkerSlots: a worker's slots die on its own thread once its loop has returned,
// before run() does and while the io_context lives (the moment the thread_locals they replace died).
// UDP loops on threads of their own: they answer, and stop, retire and a runtime that never ran
// each end them and free the port.
#include "core/runtime/runtime.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "core/net/udp_batch.hpp"
#include "core/net/worker_slots.hpp"

namespace layer7::core {
namespace {

TEST(Runtime, AWorkersSlotsDieOnItsThreadWhenItsLoopEnds)
{
    struct Witness {
        Witness(std::atomic<bool>& gone, std::thread::id& died_on, asio::io_context& context)
            : gone(gone), died_on(died_on), timer(context)
        {
        }
        std::atomic<bool>& gone;
        std::thread::id& died_on;
        asio::steady_timer timer;  // of the worker's context: must die before it
        ~Witness()
        {
            died_on = std::this_thread::get_id();
            gone = true;
        }
    };
    std::atomic<bool> gone{false};
    std::thread::id made_on, died_on;
    const WorkerKey<Witness> key;
    Runtime runtime(1);
    asio::io_context& context = runtime.context(0);
    asio::post(context, [&] {
        made_on = std::this_thread::get_id();
        WorkerSlots::of(context).get(key, [&] { return std::make_unique<Witness>(gone, died_on, context); });
        runtime.stop();
    });
    runtime.run();
    EXPECT_TRUE(gone);  // before run() returned, not when the runtime is destroyed
    EXPECT_EQ(died_on, made_on);
    EXPECT_NE(died_on, std::this_thread::get_id());
}

// An echo on serve_batches_blocking; `running` counts the loops not yet returned.
UdpThreadLoop echo_loop(std::atomic<int>& running)
{
    return [&running](int fd, const std::atomic<bool>& stopping) {
        ++running;
        UdpBatch b;
        serve_batches_blocking(fd, b, stopping, [&b](std::size_t received) {
            for (std::size_t i = 0; i < received; ++i) {
                b.replies[b.pending].assign(b.slot(i), b.slot(i) + b.received[i].msg_len);
                b.reply_peer[b.pending++] = i;
            }
        });
        --running;
    };
}

// One datagram to the port and its echo (empty when none came within 5 s).
std::string exchange(std::uint16_t port, const std::string& text)
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const timeval five{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
    const asio::ip::udp::endpoint server(asio::ip::make_address_v4("127.0.0.1"), port);
    ::sendto(fd, text.data(), text.size(), 0, server.data(), static_cast<socklen_t>(server.size()));
    char buffer[512];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    ::close(fd);
    return n < 0 ? "" : std::string(buffer, static_cast<std::size_t>(n));
}

// Whether a plain socket (no SO_REUSEPORT) can bind the port: nobody holds it any more.
bool port_is_free(std::uint16_t port)
{
    asio::io_context io;
    asio::ip::udp::socket probe(io, asio::ip::udp::v4());
    std::error_code ec;
    probe.bind({asio::ip::make_address_v4("127.0.0.1"), port}, ec);
    return !ec;
}

TEST(Runtime, UdpThreadLoopsAnswerAndEndWithTheStop)
{
    std::atomic<int> running{0};
    Runtime runtime(2);
    const auto [ec, bound] =
        runtime.listen_udp_on_threads({asio::ip::make_address_v4("127.0.0.1"), 0}, echo_loop(running), true);
    ASSERT_FALSE(ec);
    std::thread serving([&] { runtime.run(); });
    for (int i = 0; i < 20; ++i) {  // spread by the first word, so by the second letter here
        const std::string query = std::string("q") + static_cast<char>('a' + i) + " query";
        EXPECT_EQ(exchange(bound.port(), query), query);
    }
    EXPECT_EQ(running, 2);
    runtime.stop();
    serving.join();
    EXPECT_EQ(running, 0);
    EXPECT_TRUE(port_is_free(bound.port()));
}

TEST(Runtime, RetiringAUdpThreadListenerEndsItsLoopsAndFreesThePort)
{
    std::atomic<int> running{0};
    Runtime runtime(1);
    const int owner = 0;
    runtime.set_owner(&owner);
    const auto [ec, bound] =
        runtime.listen_udp_on_threads({asio::ip::make_address_v4("127.0.0.1"), 0}, echo_loop(running));
    ASSERT_FALSE(ec);
    std::thread serving([&] { runtime.run(); });
    ASSERT_EQ(exchange(bound.port(), "before"), "before");
    runtime.retire(&owner);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while ((running > 0 || !port_is_free(bound.port())) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(running, 0);
    EXPECT_TRUE(port_is_free(bound.port()));
    runtime.stop();
    serving.join();
}

TEST(Runtime, ARuntimeThatNeverRanEndsItsUdpThreadsWhenDestroyed)
{
    std::atomic<int> running{0};
    std::uint16_t port = 0;
    {
        Runtime runtime(1);
        const auto [ec, bound] =
            runtime.listen_udp_on_threads({asio::ip::make_address_v4("127.0.0.1"), 0}, echo_loop(running));
        ASSERT_FALSE(ec);
        port = bound.port();
        EXPECT_EQ(exchange(port, "answered before run()"), "answered before run()");
    }
    EXPECT_EQ(running, 0);
    EXPECT_TRUE(port_is_free(port));
}

}  // namespace
}  // namespace layer7::core
