// Tests for http/client/client: response handling over a loopback socket against canned servers —
// Content-Length and chunked bodies, 1xx, pooling and the retry on a closed pooled connection,
// malformed responses, refused connections and timeouts.
#include "http/client/client.hpp"

#include <gtest/gtest.h>

#include <functional>

using namespace layer7;
using namespace layer7::http;
using namespace layer7::http::client;

namespace {

// One canned answer per accepted connection: `answers[i]` is written after each request head on
// connection i; an empty answer closes without writing; "hang" never answers.
class FakeServer {
public:
    FakeServer(asio::io_context& io, std::vector<std::vector<std::string>> answers)
        : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0)), answers_(std::move(answers))
    {
        asio::co_spawn(io, accept(), asio::detached);
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    int connections = 0;
    std::vector<std::string> heads;

private:
    core::awaitable<void> accept()
    {
        for (std::size_t i = 0; i < answers_.size(); ++i) {
            auto [ec, socket] = co_await acceptor_.async_accept(core::use_tuple);
            if (ec)
                co_return;
            ++connections;
            asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket), answers_[i]), asio::detached);
        }
    }
    core::awaitable<void> serve(asio::ip::tcp::socket socket, std::vector<std::string> answers)
    {
        std::string buffer;
        for (const auto& answer : answers) {
            std::size_t end;
            while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
                char chunk[4096];
                auto [ec, n] = co_await socket.async_read_some(asio::buffer(chunk), core::use_tuple);
                if (ec)
                    co_return;
                buffer.append(chunk, n);
            }
            heads.push_back(buffer.substr(0, end + 4));
            buffer.erase(0, end + 4);
            if (answer == "hang") {
                asio::steady_timer t(socket.get_executor(), std::chrono::seconds(5));
                co_await t.async_wait(core::use_tuple);
                co_return;
            }
            if (answer.empty())
                co_return;
            co_await asio::async_write(socket, asio::buffer(answer), core::use_tuple);
        }
        hold_.push_back(std::move(socket));  // keep the last connection open (keep-alive)
    }
    asio::ip::tcp::acceptor acceptor_;
    std::vector<std::vector<std::string>> answers_;
    std::vector<asio::ip::tcp::socket> hold_;
};

using Outcome = core::Result<Exchange, Failure>;

// Runs `body` (which sends through a Client) to completion.
void run(asio::io_context& io, std::function<core::awaitable<void>()> body)
{
    bool done = false;
    asio::co_spawn(io, [&]() -> core::awaitable<void> {
        co_await body();
        done = true;
        io.stop();  // canned servers may still hold connections open
    }, asio::detached);
    io.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(done);
}

Url url_for(std::uint16_t port, const std::string& path = "/")
{
    return *parse_url("http://127.0.0.1:" + std::to_string(port) + path);
}

Request get()
{
    return Request{};
}

}  // namespace

TEST(Client, ContentLengthThenReusedConnection)
{
    asio::io_context io;
    FakeServer server(io, {{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!"}});
    Client client(Options{});
    run(io, [&]() -> core::awaitable<void> {
        Outcome a = co_await client.send(url_for(server.port(), "/a?x=1"), get(), {});
        EXPECT_TRUE(a.ok());
        if (!a.ok())
            co_return;
        EXPECT_EQ(a->response.status, Status::ok);
        EXPECT_EQ(a->body, "hello");
        EXPECT_FALSE(a->timing.reused);
        EXPECT_EQ(client.idle_connections(), 1u);
        Outcome b = co_await client.send(url_for(server.port(), "/b"), get(), {});
        EXPECT_TRUE(b.ok());
        if (b.ok()) {
            EXPECT_EQ(code(b->response.status), 404);
            EXPECT_EQ(b->body, "no!");
            EXPECT_TRUE(b->timing.reused);
        }
    });
    EXPECT_EQ(server.connections, 1);
    ASSERT_EQ(server.heads.size(), 2u);
    EXPECT_EQ(server.heads[0].substr(0, 22), "GET /a?x=1 HTTP/1.1\r\nH");
    EXPECT_NE(server.heads[0].find("Host: 127.0.0.1:" + std::to_string(server.port())), std::string::npos);
}

TEST(Client, ChunkedAfterInterimResponse)
{
    asio::io_context io;
    FakeServer server(io, {{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"}});
    Client client(Options{});
    run(io, [&]() -> core::awaitable<void> {
        Request post;
        post.method = Method(MethodId::post);
        Outcome r = co_await client.send(url_for(server.port()), post, "a=1");
        EXPECT_TRUE(r.ok());
        if (r.ok()) {
            EXPECT_EQ(r->body, "hello world");
        }
    });
    ASSERT_EQ(server.heads.size(), 1u);
    EXPECT_NE(server.heads[0].find("Content-Length: 3"), std::string::npos);
}

TEST(Client, RetriesOnceWhenThePooledConnectionWasClosed)
{
    asio::io_context io;
    // First connection: one answer, then the server closes when the second request arrives.
    FakeServer server(io, {{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", ""},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"}});
    Client client(Options{});
    run(io, [&]() -> core::awaitable<void> {
        Outcome a = co_await client.send(url_for(server.port()), get(), {});
        EXPECT_TRUE(a.ok());
        Outcome b = co_await client.send(url_for(server.port()), get(), {});
        EXPECT_TRUE(b.ok());
        if (b.ok()) {
            EXPECT_EQ(b->body, "b");
        }
    });
    EXPECT_EQ(server.connections, 2);
}

TEST(Client, MalformedAndEmptyReplies)
{
    asio::io_context io;
    FakeServer server(io, {{"HELLO THERE\r\n\r\n"}, {""}});
    Options o;
    o.keep_alive = false;
    Client client(o);
    run(io, [&]() -> core::awaitable<void> {
        Outcome bad = co_await client.send(url_for(server.port()), get(), {});
        EXPECT_FALSE(bad.ok());
        if (!bad.ok()) {
            EXPECT_EQ(bad.error().error, Error::bad_response);
        }
        Outcome empty = co_await client.send(url_for(server.port()), get(), {});
        EXPECT_FALSE(empty.ok());
        if (!empty.ok()) {
            EXPECT_EQ(empty.error().error, Error::empty_reply);
        }
    });
}

TEST(Client, RefusedAndTimeout)
{
    asio::io_context io;
    std::uint16_t closed_port;
    {
        asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        closed_port = a.local_endpoint().port();
    }
    FakeServer server(io, {{"hang"}});
    Options o;
    o.io_timeout = std::chrono::milliseconds(200);
    Client client(o);
    run(io, [&]() -> core::awaitable<void> {
        Outcome refused = co_await client.send(url_for(closed_port), get(), {});
        EXPECT_FALSE(refused.ok());
        if (!refused.ok()) {
            EXPECT_EQ(refused.error().error, Error::refused);
        }
        const auto start = std::chrono::steady_clock::now();
        Outcome slow = co_await client.send(url_for(server.port()), get(), {});
        EXPECT_FALSE(slow.ok());
        if (!slow.ok()) {
            EXPECT_EQ(slow.error().error, Error::timeout);
        }
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
    });
}
