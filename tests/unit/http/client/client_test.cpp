// Tests for http/client/client: response handling over a loopback socket against canned servers —
// Content-Length and chunked bodies, 1xx, pooling and the retry on a closed pooled connection,
// malformed responses, refused connections and timeouts; streamed bodies both ways (open()).
#include "http/client/client.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

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
    asio::co_spawn(
        io,
        [&]() -> core::awaitable<void> {
            co_await body();
            done = true;
            io.stop();  // canned servers may still hold connections open
        },
        asio::detached);
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

// A request body in fixed pieces; `size` is what size() declares.
class PieceSource final : public core::ByteSource {
public:
    PieceSource(std::vector<std::string> pieces, std::optional<std::uint64_t> size)
        : pieces_(std::move(pieces)), size_(size)
    {
    }
    core::awaitable<std::error_code> next(std::string_view& chunk) override
    {
        chunk = calls_ < pieces_.size() ? std::string_view(pieces_[calls_]) : std::string_view();
        ++calls_;
        co_return std::error_code{};
    }
    std::optional<std::uint64_t> size() const override { return size_; }
    std::size_t calls() const { return calls_; }

private:
    std::vector<std::string> pieces_;
    std::optional<std::uint64_t> size_;
    std::size_t calls_ = 0;
};

// One connection: reads until `complete(received)` holds, then writes `answer` and keeps the
// connection open (or closes it: `close_after`).
class RecordingServer {
public:
    RecordingServer(asio::io_context& io, std::function<bool(const std::string&)> complete, std::string answer,
                    bool close_after = false)
        : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0)), socket_(io),
          complete_(std::move(complete)), answer_(std::move(answer)), close_after_(close_after)
    {
        asio::co_spawn(io, serve(), asio::detached);
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::string received;

private:
    core::awaitable<void> serve()
    {
        auto [ec, socket] = co_await acceptor_.async_accept(core::use_tuple);
        if (ec)
            co_return;
        socket_ = std::move(socket);
        while (!complete_(received)) {
            char chunk[4096];
            auto [rec, n] = co_await socket_.async_read_some(asio::buffer(chunk), core::use_tuple);
            if (rec)
                co_return;
            received.append(chunk, n);
        }
        co_await asio::async_write(socket_, asio::buffer(answer_), core::use_tuple);
        if (close_after_)
            socket_.close();
    }
    asio::ip::tcp::acceptor acceptor_;
    asio::ip::tcp::socket socket_;
    std::function<bool(const std::string&)> complete_;
    std::string answer_;
    bool close_after_;
};

using Opened = core::Result<ResponseStream, Failure>;

// Reads a body to its end; the sizes of the pieces go to `pieces`.
core::awaitable<std::string> read_all(core::ByteSource& body, std::vector<std::size_t>& pieces, std::error_code& ec)
{
    std::string all;
    for (;;) {
        std::string_view piece;
        ec = co_await body.next(piece);
        if (ec || piece.empty())
            co_return all;
        pieces.push_back(piece.size());
        all.append(piece);
    }
}

std::string pattern(std::size_t n)
{
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return s;
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
    FakeServer server(
        io, {{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", ""}, {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"}});
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

TEST(ClientStream, ResponseReadInPiecesThenConnectionReused)
{
    asio::io_context io;
    const std::string big = pattern(300 * 1024);
    FakeServer server(io, {{"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big,
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"}});
    Client client(Options{});
    run(io, [&]() -> core::awaitable<void> {
        Opened a = co_await client.open(url_for(server.port()), get());
        EXPECT_TRUE(a.ok());
        if (!a.ok())
            co_return;
        EXPECT_EQ(a->response.status, Status::ok);
        EXPECT_EQ(a->body->size(), std::optional<std::uint64_t>(big.size()));
        EXPECT_EQ(client.idle_connections(), 0u);  // the reader holds the connection
        std::vector<std::size_t> pieces;
        std::error_code ec;
        const std::string got = co_await read_all(*a->body, pieces, ec);
        EXPECT_FALSE(ec);
        EXPECT_TRUE(got == big);
        EXPECT_GT(pieces.size(), 2u);  // pulled as it arrives, not gathered
        for (std::size_t n : pieces)
            EXPECT_LE(n, 16384u);
        EXPECT_EQ(client.idle_connections(), 1u);  // read to its end: back in the pool
        Opened b = co_await client.open(url_for(server.port()), get());
        EXPECT_TRUE(b.ok());
        if (!b.ok())
            co_return;
        EXPECT_TRUE(b->timing.reused);
        EXPECT_FALSE(b->body->size().has_value());  // chunked: unknown
        pieces.clear();
        const std::string small = co_await read_all(*b->body, pieces, ec);
        EXPECT_EQ(small, "abc");
        EXPECT_FALSE(ec);
    });
    EXPECT_EQ(server.connections, 1);
}

TEST(ClientStream, ReaderDroppedBeforeTheEndClosesTheConnection)
{
    asio::io_context io;
    const std::string big = pattern(300 * 1024);
    FakeServer server(io, {{"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}});
    Client client(Options{});
    run(io, [&]() -> core::awaitable<void> {
        {
            Opened a = co_await client.open(url_for(server.port()), get());
            EXPECT_TRUE(a.ok());
            if (!a.ok())
                co_return;
            std::string_view piece;
            const std::error_code ec = co_await a->body->next(piece);
            EXPECT_FALSE(ec);
            EXPECT_FALSE(piece.empty());
        }
        EXPECT_EQ(client.idle_connections(), 0u);
        Outcome b = co_await client.send(url_for(server.port()), get(), {});
        EXPECT_TRUE(b.ok());
        if (b.ok()) {
            EXPECT_FALSE(b->timing.reused);
            EXPECT_EQ(b->body, "ok");
        }
    });
    EXPECT_EQ(server.connections, 2);
}

TEST(ClientStream, HeadAnd304HaveEmptyBodiesAndPool)
{
    asio::io_context io;
    FakeServer server(io, {{"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
                            "HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n"}});
    Client client(Options{});
    run(io, [&]() -> core::awaitable<void> {
        Request head;
        head.method = Method(MethodId::head);
        const std::vector<Request> requests{head, get()};
        for (const Request& r : requests) {
            Opened a = co_await client.open(url_for(server.port()), r);
            EXPECT_TRUE(a.ok());
            if (!a.ok())
                co_return;
            std::string_view piece = "x";
            const std::error_code ec = co_await a->body->next(piece);
            EXPECT_FALSE(ec);
            EXPECT_TRUE(piece.empty());
            EXPECT_EQ(client.idle_connections(), 1u);
        }
    });
    EXPECT_EQ(server.connections, 1);
}

TEST(ClientStream, ChunkedRequestBodyFromASource)
{
    asio::io_context io;
    RecordingServer server(
        io, [](const std::string& s) { return s.ends_with("0\r\n\r\n"); },
        "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    Client client(Options{});
    PieceSource source({"abc", "defgh"}, std::nullopt);
    run(io, [&]() -> core::awaitable<void> {
        Request put;
        put.method = Method(MethodId::put);
        Opened r = co_await client.open(url_for(server.port(), "/up"), put, &source);
        EXPECT_TRUE(r.ok());
        if (r.ok()) {
            EXPECT_EQ(r->response.status, Status::created);
        }
    });
    EXPECT_EQ(source.calls(), 3u);  // two pieces and the end
    const auto end = server.received.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos);
    const std::string head = server.received.substr(0, end + 4);
    EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
    EXPECT_EQ(head.find("Content-Length"), std::string::npos);
    EXPECT_EQ(server.received.substr(end + 4), "3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n");
}

TEST(ClientStream, ContentLengthRequestBodyFromASource)
{
    asio::io_context io;
    const std::string body = pattern(100 * 1024);
    RecordingServer server(
        io,
        [&](const std::string& s) {
            const auto end = s.find("\r\n\r\n");
            return end != std::string::npos && s.size() >= end + 4 + body.size();
        },
        "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
    Client client(Options{});
    PieceSource source({body.substr(0, 1), body.substr(1, 60000), body.substr(60001)}, body.size());
    run(io, [&]() -> core::awaitable<void> {
        Request post;
        post.method = Method(MethodId::post);
        Opened r = co_await client.open(url_for(server.port()), post, &source);
        EXPECT_TRUE(r.ok());
        if (!r.ok())
            co_return;
        std::vector<std::size_t> pieces;
        std::error_code ec;
        const std::string answer = co_await read_all(*r->body, pieces, ec);
        EXPECT_EQ(answer, "done");
        EXPECT_FALSE(ec);
    });
    const auto end = server.received.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos);
    EXPECT_NE(server.received.substr(0, end).find("Content-Length: " + std::to_string(body.size())), std::string::npos);
    EXPECT_EQ(server.received.find("Transfer-Encoding"), std::string::npos);
    EXPECT_TRUE(server.received.substr(end + 4) == body);
}

TEST(ClientStream, SourceLongerThanItsDeclaredSizeFails)
{
    asio::io_context io;
    RecordingServer server(
        io, [](const std::string&) { return false; }, "");
    Client client(Options{});
    PieceSource source({"abc", "def"}, 4);
    run(io, [&]() -> core::awaitable<void> {
        Request post;
        post.method = Method(MethodId::post);
        Opened r = co_await client.open(url_for(server.port()), post, &source);
        EXPECT_FALSE(r.ok());
        if (!r.ok()) {
            EXPECT_EQ(r.error().error, Error::request_body);
        }
    });
}

TEST(ClientStream, TruncatedBodyIsAnErrorAndNotPooled)
{
    asio::io_context io;
    RecordingServer server(
        io, [](const std::string& s) { return s.ends_with("\r\n\r\n"); },
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true);
    Client client(Options{});
    run(io, [&]() -> core::awaitable<void> {
        Opened a = co_await client.open(url_for(server.port()), get());
        EXPECT_TRUE(a.ok());
        if (!a.ok())
            co_return;
        std::vector<std::size_t> pieces;
        std::error_code ec;
        const std::string got = co_await read_all(*a->body, pieces, ec);
        EXPECT_EQ(got, "abc");
        EXPECT_TRUE(ec);
        EXPECT_EQ(body_failure(ec, "peer").error, Error::closed);
        EXPECT_EQ(client.idle_connections(), 0u);
        std::string_view after;
        const std::error_code again = co_await a->body->next(after);
        EXPECT_EQ(again, ec);  // the error is final, not an end
        EXPECT_TRUE(after.empty());
    });
}

TEST(ClientStream, NoRetryOnceABodyByteWasPulled)
{
    asio::io_context io;
    // Each first connection answers once, then closes when the next request head arrives.
    FakeServer server(io, {{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", ""},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb", ""},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc"}});
    Client client(Options{});
    PieceSource source({"abc"}, 3);
    run(io, [&]() -> core::awaitable<void> {
        Request put;
        put.method = Method(MethodId::put);
        Outcome a = co_await client.send(url_for(server.port()), get(), {});
        EXPECT_TRUE(a.ok());
        // A streamed body cannot be sent again: the failure is the caller's to see.
        Opened streamed = co_await client.open(url_for(server.port()), put, &source);
        EXPECT_FALSE(streamed.ok());
        EXPECT_EQ(server.connections, 1);
        Outcome b = co_await client.send(url_for(server.port()), get(), {});
        EXPECT_TRUE(b.ok());
        // A body held whole can: the PUT is retried on a fresh connection.
        Outcome whole = co_await client.send(url_for(server.port()), put, "abc");
        EXPECT_TRUE(whole.ok());
        if (whole.ok()) {
            EXPECT_EQ(whole->body, "c");
        }
    });
    EXPECT_EQ(server.connections, 3);
}
