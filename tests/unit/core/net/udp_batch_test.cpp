// serve_batches over a real loopback socket: every datagram is answered, also the first one after
// the loop found the queue empty and waits again, and a burst longer than a batch; closing the
// socket ends the wait. serve_batches_blocking the same, ended by a shutdown.
#include "core/net/udp_batch.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace layer7::core {
namespace {

// Queues every datagram received as the answer to its sender.
void echo(UdpBatch& b, std::size_t received)
{
    for (std::size_t i = 0; i < received; ++i) {
        b.replies[b.pending].assign(b.slot(i), b.slot(i) + b.received[i].msg_len);
        b.reply_peer[b.pending++] = i;
    }
}

// An echo on serve_batches, run by its own thread.
struct EchoServer {
    asio::io_context io;
    asio::ip::udp::socket socket{io, {asio::ip::make_address_v4("127.0.0.1"), 0}};
    std::unique_ptr<UdpBatch> batch = std::make_unique<UdpBatch>();
    bool loop_ended = false;
    std::thread thread;

    EchoServer()
    {
        asio::co_spawn(
            io,
            [this]() -> awaitable<void> {
                co_await serve_batches(socket, *batch, [this](std::size_t received) { echo(*batch, received); });
                loop_ended = true;
            },
            asio::detached);
        thread = std::thread([this] { io.run(); });
    }
    // Closes the socket on its thread; the loop must end and with it the thread.
    void stop()
    {
        asio::post(io, [this] { socket.close(); });
        thread.join();
    }
};

// A blocking client whose receives give up after 5 s.
struct Client {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    explicit Client(const asio::ip::udp::endpoint& server)
    {
        const timeval five{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
        ::connect(fd, server.data(), static_cast<socklen_t>(server.size()));
    }
    ~Client() { ::close(fd); }
    void send(const std::string& text)
    {
        ASSERT_EQ(::send(fd, text.data(), text.size(), 0), static_cast<ssize_t>(text.size()));
    }
    std::string receive()
    {
        char buffer[512];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        return n < 0 ? "(nothing within 5 s)" : std::string(buffer, static_cast<std::size_t>(n));
    }
};

// Sends `count` different datagrams at once: each must come back.
void expect_burst_echoed(Client& client, int count)
{
    std::set<std::string> sent, answered;
    for (int i = 0; i < count; ++i) {
        sent.insert("q" + std::to_string(i));
        client.send("q" + std::to_string(i));
    }
    for (int i = 0; i < count; ++i)
        answered.insert(client.receive());
    EXPECT_EQ(answered, sent);
}

TEST(UdpBatch, AnswersTheDatagramThatFollowsAnEmptiedQueue)
{
    EchoServer server;
    Client client(server.socket.local_endpoint());
    // Each exchange ends with the server's queue empty; the next query must wake the wait that
    // follows.
    for (const std::string query : {"one", "two", "three"}) {
        client.send(query);
        EXPECT_EQ(client.receive(), query);
    }
    server.stop();
    EXPECT_TRUE(server.loop_ended);
}

TEST(UdpBatch, AnswersABurstLongerThanOneBatch)
{
    EchoServer server;
    Client client(server.socket.local_endpoint());
    client.send("warm-up");  // the loop now waits after an emptied queue
    ASSERT_EQ(client.receive(), "warm-up");
    expect_burst_echoed(client, 3 * UdpBatch::size + 5);
    server.stop();
    EXPECT_TRUE(server.loop_ended);
}

TEST(UdpBatch, ClosingTheSocketEndsTheWait)
{
    EchoServer server;
    Client client(server.socket.local_endpoint());
    client.send("ping");
    ASSERT_EQ(client.receive(), "ping");
    server.stop();  // returns only once the loop has ended and the io_context ran out of work
    EXPECT_TRUE(server.loop_ended);
}

TEST(UdpBatch, TheBlockingLoopAnswersABurstAndEndsWhenShutDown)
{
    asio::io_context io;
    asio::ip::udp::socket socket{io, {asio::ip::make_address_v4("127.0.0.1"), 0}};
    const auto server = socket.local_endpoint();
    const int fd = socket.release();  // blocking, as asio left it: no async operation ran on it
    std::atomic<bool> stopping{false}, ended{false};
    auto batch = std::make_unique<UdpBatch>();
    std::thread loop([&] {
        UdpBatch& b = *batch;
        serve_batches_blocking(fd, b, stopping, [&b](std::size_t received) { echo(b, received); });
        ended = true;
    });
    Client client(server);
    expect_burst_echoed(client, 2 * UdpBatch::size + 3);
    EXPECT_FALSE(ended);
    stopping = true;
    ::shutdown(fd, SHUT_RDWR);  // wakes the receive the loop is blocked in
    loop.join();
    EXPECT_TRUE(ended);
    ::close(fd);
}

}  // namespace
}  // namespace layer7::core
