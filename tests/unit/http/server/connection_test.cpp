// The HTTP/1.1 shell over a real loopback socket with test handlers: a generated 1 GiB reply in
// flat memory, an upgrade that echoes raw bytes, request bodies pulled as they arrive (100-continue
// sent only when asked for), and bodies a handler leaves unread (drained, or the connection closed).
#include "http/server/connection.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "http/h1/response_parser.hpp"
#include "http/server/router.hpp"

namespace layer7::http {
namespace {

using tcp = asio::ip::tcp;

// A blocking client socket with a receive timeout, so a broken server fails the test, not hangs it.
class Client {
public:
    explicit Client(std::uint16_t port)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{20, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    }
    ~Client() { ::close(fd_); }
    void send(std::string_view s)
    {
        while (!s.empty()) {
            const ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0)
                return;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    // Reads until `marker` has arrived (or the peer closes / the timeout hits); returns all read so far.
    std::string until(std::string_view marker)
    {
        while (got_.find(marker) == std::string::npos && fill()) {}
        return got_;
    }
    std::string until_count(std::string_view marker, std::size_t count)
    {
        auto seen = [&] {
            std::size_t n = 0;
            for (auto at = got_.find(marker); at != std::string::npos; at = got_.find(marker, at + 1))
                ++n;
            return n;
        };
        while (seen() < count && fill()) {}
        return got_;
    }
    std::string until_closed()
    {
        while (fill()) {}
        return got_;
    }
    bool fill()
    {
        char buf[65536];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0)
            return false;
        got_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    int fd() const { return fd_; }

private:
    int fd_ = -1;
    std::string got_;
};

// Serves exactly one connection with `handler` on the calling thread while `client` runs on another.
void serve_one(Handler& handler, const std::function<void(std::uint16_t)>& client, ConnectionOptions options = {})
{
    asio::io_context context;
    tcp::acceptor acceptor(context, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    std::thread peer([&] { client(acceptor.local_endpoint().port()); });
    tcp::socket socket = acceptor.accept();
    asio::co_spawn(
        context,
        [&]() -> core::awaitable<void> {
            core::Stream stream(std::move(socket), core::Role::server);
            co_await serve_h1(stream, handler, options);
            co_await stream.shutdown();
        },
        asio::detached);
    context.run();
    peer.join();
}

// `total` bytes of a repeating pattern, made on demand from one reused buffer.
class Generated final : public core::ByteSource {
public:
    explicit Generated(std::uint64_t total) : left_(total), block_(64 * 1024, 'x') {}
    core::awaitable<std::error_code> next(std::string_view& chunk) override
    {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, block_.size()));
        left_ -= n;
        chunk = std::string_view(block_).substr(0, n);
        co_return std::error_code{};
    }

private:
    std::uint64_t left_;
    std::string block_;
};

// A handler written as a lambda over the exchange.
class Lambda final : public Handler {
public:
    explicit Lambda(std::function<core::awaitable<Outcome>(Exchange&)> f) : f_(std::move(f)) {}
    core::awaitable<Outcome> handle(Exchange& exchange) override { return f_(exchange); }

private:
    std::function<core::awaitable<Outcome>(Exchange&)> f_;
};

std::size_t peak_rss_kib()
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("VmHWM:"))
            return std::stoul(line.substr(6));
    return 0;
}

constexpr std::uint64_t gibibyte = 1ull << 30;

TEST(Connection, StreamsAGibibyteInFlatMemory)
{
    Lambda handler([](Exchange&) -> core::awaitable<Outcome> {
        Reply r;
        r.response.fields.add("Content-Type", "application/octet-stream");
        r.source = std::make_shared<Generated>(gibibyte);
        co_return r;
    });
    const std::size_t before = peak_rss_kib();
    std::uint64_t received = 0;
    bool complete = false;
    std::string transfer_encoding;
    serve_one(handler, [&](std::uint16_t port) {
        Client c(port);
        c.send("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        h1::ParserLimits limits;
        limits.max_body = gibibyte;
        h1::ResponseParser parser(limits);
        parser.expect_response_to(Method(MethodId::get));
        char buf[65536];
        for (;;) {
            h1::Event e = parser.next();
            if (e.kind == h1::EventKind::head)
                transfer_encoding = parser.response().fields.get("Transfer-Encoding").value_or("");
            else if (e.kind == h1::EventKind::data)
                received += e.data.size();
            else if (e.kind == h1::EventKind::complete) {
                complete = true;
                return;
            } else if (e.kind == h1::EventKind::error)
                return;
            else if (e.kind == h1::EventKind::need_more) {
                const ssize_t n = ::recv(c.fd(), buf, sizeof buf, 0);
                if (n <= 0)
                    return;
                parser.feed(std::string_view(buf, static_cast<std::size_t>(n)));
            }
        }
    });
    EXPECT_TRUE(complete);
    EXPECT_EQ(transfer_encoding, "chunked");
    EXPECT_EQ(received, gibibyte);
    EXPECT_LT(peak_rss_kib() - before, 64u * 1024) << "the reply was held in memory";
}

TEST(Connection, UpgradeHandsOverTheStreamWithTheBytesAlreadyRead)
{
    Lambda handler([](Exchange& exchange) -> core::awaitable<Outcome> {
        if (!exchange.request.fields.list_contains("Connection", "upgrade"))
            co_return text_reply(Status::ok, "no upgrade asked\n");
        Upgrade up;
        up.response.status = Status::switching_protocols;
        up.response.fields.add("Connection", "Upgrade");
        up.response.fields.add("Upgrade", "echo");
        up.run = [](core::Duplex& stream, std::string early) -> core::awaitable<void> {
            if (co_await stream.write(early))
                co_return;
            char buf[1024];
            for (;;) {
                auto [ec, n] = co_await stream.read_some(asio::buffer(buf));
                if (ec || co_await stream.write(std::string_view(buf, n)))
                    co_return;
            }
        };
        co_return up;
    });
    std::string first, second;
    serve_one(handler, [&](std::uint16_t port) {
        Client c(port);
        c.send("GET /raw HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nEARLY");
        first = c.until("EARLY");
        c.send("not http at all\r\n");
        second = c.until("not http at all\r\n");
    });
    EXPECT_TRUE(first.starts_with("HTTP/1.1 101 Switching Protocols\r\n")) << first;
    EXPECT_NE(first.find("\r\n\r\nEARLY"), std::string::npos) << first;
    EXPECT_NE(second.find("not http at all"), std::string::npos);
}

// Replies with the number of body bytes read; reads at most `limit` of them.
Lambda counting_handler(std::uint64_t limit)
{
    return Lambda([limit](Exchange& exchange) -> core::awaitable<Outcome> {
        std::uint64_t n = 0;
        while (n < limit) {
            std::string_view chunk;
            if (auto ec = co_await exchange.body.next(chunk))
                co_return body_error_reply(ec);
            if (chunk.empty())
                break;
            n += chunk.size();
        }
        co_return text_reply(Status::ok, "read " + std::to_string(n) + "\n");
    });
}

TEST(Connection, ContinueIsSentWhenTheHandlerAsksForTheBody)
{
    Lambda handler = counting_handler(UINT64_MAX);
    std::string interim, reply;
    serve_one(handler, [&](std::uint16_t port) {
        Client c(port);
        c.send("PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        interim = c.until("\r\n\r\n");
        c.send("hello");
        reply = c.until("read 5\n");
    });
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    EXPECT_NE(reply.find("HTTP/1.1 200 OK"), std::string::npos);
}

TEST(Connection, UnreadBodiesAreDrainedOrCostTheConnection)
{
    Lambda handler = counting_handler(0);
    std::string small, large;
    serve_one(handler, [&](std::uint16_t port) {
        Client c(port);
        // 10 bytes unread: read and dropped, and the pipelined request behind is answered on the same connection.
        c.send(
            "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"
            "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        small = c.until_count("read 0\n", 2);
    });
    serve_one(handler, [&](std::uint16_t port) {
        Client c(port);
        c.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
        c.send(std::string(100000, 'z'));
        large = c.until_closed();
    });
    EXPECT_NE(small.find("read 0\nHTTP/1.1 200 OK"), std::string::npos) << small;
    EXPECT_EQ(small.find("Connection: close"), std::string::npos) << small;
    EXPECT_NE(large.find("Connection: close\r\n"), std::string::npos) << large;
    EXPECT_NE(large.find("read "), std::string::npos);
}

TEST(Connection, BodyOverTheLimitIs413)
{
    Lambda handler = counting_handler(UINT64_MAX);
    ConnectionOptions options;
    options.limits.max_message = 100;
    std::string reply;
    serve_one(
        handler,
        [&](std::uint16_t port) {
            Client c(port);
            c.send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            c.send("c8\r\n" + std::string(200, 'z') + "\r\n0\r\n\r\n");
            reply = c.until_closed();
        },
        options);
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 413 ")) << reply;
}

}  // namespace
}  // namespace layer7::http
