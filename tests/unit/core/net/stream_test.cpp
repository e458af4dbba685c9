// Stream, LineReader and TLS over real loopback sockets, in one process: a STARTTLS-style
// upgrade on both sides, the idle-timeout watchdog, and the port-in-use check of Runtime.
#include "core/net/coarse_clock.hpp"
#include "core/net/line_reader.hpp"
#include "core/net/resolve.hpp"
#include "core/net/stream.hpp"
#include "core/net/tls.hpp"
#include "core/runtime/runtime.hpp"
#include "../../temp_dir.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <thread>
#include <vector>

namespace layer7::core {
namespace {

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

TEST(Stream, UpgradesAPlainConnectionToTlsOnBothSides)
{
    Pair pair;
    const test::TempDir dir;
    const auto certs = ensure_dev_certificate(dir.path, {"localhost", "127.0.0.1"});
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

// The client of the TLS read tests: sends `bytes`, then waits for an answer that never comes (the
// server's side decides when the test ends).
awaitable<void> send_over_tls(tcp::socket socket, asio::ssl::context& tls, const std::string& bytes)
{
    Stream s(std::move(socket), Role::client);
    EXPECT_FALSE(co_await s.start_tls_client(tls, "localhost"));
    EXPECT_FALSE(co_await s.write(bytes, false));
    char byte;
    co_await s.read_some(asio::buffer(&byte, 1));
}

// Through TLS, bytes OpenSSL has decrypted but the reader has not taken yet are not on the socket:
// wait_readable and a parked wait must see them, or a connection would sleep on data it has.
TEST(Stream, TlsReadsWithoutABufferOfItsOwnAndSeesWhatOpenSslHolds)
{
    Pair pair;
    const test::TempDir dir;
    const auto certs = ensure_dev_certificate(dir.path, {"localhost", "127.0.0.1"});
    auto server_tls = make_server_tls(certs.cert, certs.key);
    auto client_tls = make_client_tls(certs.cert);
    const std::string sent(10000, 'x');  // one TLS record: once it is read, the socket is empty
    std::size_t received = 0;
    bool woke_at_once = false;
    auto server = std::make_unique<Stream>(std::move(pair.server), Role::server);

    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream& s = *server;
            EXPECT_FALSE(co_await s.start_tls_server(*server_tls));
            char small[100];
            while (received == 0) {  // the first 100 bytes; the rest of the record stays in OpenSSL
                auto [ec, n] = s.read_now(asio::buffer(small));
                if (ec == asio::error::would_block)
                    ec = co_await s.wait_readable();
                else
                    received += n;
                EXPECT_TRUE(!ec || ec == asio::error::would_block) << ec.message();
                if (ec && ec != asio::error::would_block)
                    co_return;
            }
            s.when_readable([&, owned = std::move(server)](std::error_code ec) {
                woke_at_once = !ec;
                char rest[32768];
                for (;;) {  // whatever OpenSSL holds, then what the socket has
                    auto [read_ec, n] = owned->read_now(asio::buffer(rest));
                    if (read_ec)
                        break;
                    received += n;
                }
            });
        },
        asio::detached);
    asio::co_spawn(pair.context, send_over_tls(std::move(pair.client), *client_tls, sent), asio::detached);
    pair.context.run_for(std::chrono::seconds(2));
    EXPECT_TRUE(woke_at_once);
    EXPECT_EQ(received, sent.size());
}

// After a read that took all OpenSSL had, a wait is a real wait on the socket (a server parks
// right after a reply without reading first), not an answer at once that costs a read for nothing.
TEST(Stream, TlsWaitAfterEverythingWasReadWaitsForTheSocket)
{
    Pair pair;
    const test::TempDir dir;
    const auto certs = ensure_dev_certificate(dir.path, {"localhost", "127.0.0.1"});
    auto server_tls = make_server_tls(certs.cert, certs.key);
    auto client_tls = make_client_tls(certs.cert);
    const std::string sent(100, 'x');
    std::size_t received = 0;
    std::error_code waited;
    bool done = false;
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.server), Role::server);
            EXPECT_FALSE(co_await s.start_tls_server(*server_tls));
            char buffer[1000];
            while (received < sent.size()) {
                auto [ec, n] = s.read_now(asio::buffer(buffer));
                if (ec == asio::error::would_block)
                    ec = co_await s.wait_readable();
                else
                    received += n;
                if (ec && ec != asio::error::would_block)
                    co_return;
            }
            s.set_timeout(std::chrono::milliseconds(200));
            waited = co_await s.wait_readable();
            done = true;
        },
        asio::detached);
    asio::co_spawn(pair.context, send_over_tls(std::move(pair.client), *client_tls, sent), asio::detached);
    pair.context.run_for(std::chrono::seconds(2));
    EXPECT_EQ(received, sent.size());
    EXPECT_TRUE(done);
    EXPECT_EQ(waited, asio::error::timed_out) << waited.message();
}

TEST(Stream, ClientRejectsACertificateForAnotherName)
{
    Pair pair;
    const test::TempDir dir;
    const auto certs = ensure_dev_certificate(dir.path, {"localhost", "127.0.0.1"});
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
            status = (co_await r.read_line()).status;
        },
        asio::detached);
    pair.context.run_for(std::chrono::seconds(5));
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(status, ReadStatus::timed_out);
    EXPECT_GE(took, std::chrono::milliseconds(200) - kCoarseSlack);  // deadlines read the coarse clock
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
            for (;;) {
                auto line = co_await r.read_line();
                last = line.status;
                if (line.status != ReadStatus::line)
                    co_return;
                ++lines;
            }
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

// One watchdog serves every stream of a context: a stream armed later with a shorter timeout
// must still be cut on time, and the other one left alone.
TEST(Stream, ShorterTimeoutArmedLaterIsCutFirst)
{
    Pair first, second;  // two connections; `second`'s streams run on `first`'s context
    tcp::socket second_server(first.context);
    second_server.assign(tcp::v4(), second.server.release());
    ReadStatus long_status = ReadStatus::line, short_status = ReadStatus::line;
    std::chrono::steady_clock::duration short_took{};
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(
        first.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(first.server), Role::server);
            s.set_timeout(std::chrono::seconds(2));
            LineReader r(s, 100);
            long_status = (co_await r.read_line()).status;
        },
        asio::detached);
    asio::co_spawn(
        first.context,
        [&]() -> awaitable<void> {
            asio::steady_timer t(first.context, std::chrono::milliseconds(50));
            co_await t.async_wait(use_tuple);
            Stream s(std::move(second_server), Role::server);
            s.set_timeout(std::chrono::milliseconds(200));
            LineReader r(s, 100);
            short_status = (co_await r.read_line()).status;
            short_took = std::chrono::steady_clock::now() - start;
            first.client.close();  // the long one ends by its peer, not by its timeout
        },
        asio::detached);
    first.context.run_for(std::chrono::seconds(5));
    EXPECT_EQ(short_status, ReadStatus::timed_out);
    EXPECT_GE(short_took, std::chrono::milliseconds(250) - kCoarseSlack);
    EXPECT_LT(short_took, std::chrono::milliseconds(1500));
    EXPECT_EQ(long_status, ReadStatus::closed);
}

// A client's io_context::run() returns once its streams are done: the shared watchdog's timer must
// not hold it until a long timeout would have passed.
TEST(Stream, RunReturnsWhenStreamsAreDoneDespiteALongTimeout)
{
    Pair pair;
    std::string got;
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.server), Role::server);
            s.set_timeout(std::chrono::seconds(60));
            LineReader r(s, 100);
            got = std::string((co_await r.read_line()).text);
        },
        asio::detached);
    asio::write(pair.client, asio::buffer(std::string("hello\r\n")));
    const auto start = std::chrono::steady_clock::now();
    pair.acceptor.close();
    pair.context.run();
    EXPECT_EQ(got, "hello");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// read_some skips the recv(2) that would say EAGAIN after a read that emptied the socket; bytes
// that arrive while nobody reads, or while a read waits, or the peer's close must still be seen.
TEST(Stream, ReadsEveryArrivalAfterARecvThatEmptiedTheSocket)
{
    Pair pair;
    std::vector<std::string> got;
    std::error_code last;
    auto read = [&](Stream& s) -> awaitable<void> {
        char buf[64];
        auto [ec, n] = co_await s.read_some(asio::buffer(buf));
        last = ec;
        if (!ec)
            got.emplace_back(buf, n);
    };
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.server), Role::server);
            s.set_timeout(std::chrono::seconds(2));  // a missed arrival fails as a timeout, not a hang
            asio::write(pair.client, asio::buffer(std::string("a")));
            co_await read(s);
            // "b" arrives and epoll reports it while no read is pending
            asio::write(pair.client, asio::buffer(std::string("b")));
            asio::steady_timer later(pair.context, std::chrono::milliseconds(50));
            co_await later.async_wait(use_tuple);
            co_await read(s);
            // "c" arrives while the read waits
            asio::co_spawn(
                pair.context,
                [&]() -> awaitable<void> {
                    asio::steady_timer soon(pair.context, std::chrono::milliseconds(50));
                    co_await soon.async_wait(use_tuple);
                    asio::write(pair.client, asio::buffer(std::string("c")));
                    pair.client.shutdown(tcp::socket::shutdown_send);
                },
                asio::detached);
            co_await read(s);
            co_await read(s);  // the close
        },
        asio::detached);
    pair.context.run_for(std::chrono::seconds(10));
    EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(last, asio::error::eof);
}

// A listener whose accept queue is full drops further SYNs, as a black-holed address would: the
// connect must give up at its timeout, not after the kernel's retries (about two minutes).
// A stop drains: a wait for the next command ends at once; a read inside a message goes on.
TEST(Stream, DrainEndsWaitsBetweenMessagesOnly)
{
    Pair pair;
    tcp::socket second_server{pair.context}, second_client{pair.context};
    second_client.connect(pair.acceptor.local_endpoint());
    second_server = pair.acceptor.accept();
    ReadStatus between = ReadStatus::line, inside = ReadStatus::closed;
    bool between_saw_draining = false;
    std::string inside_line;

    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(pair.server), Role::server);
            LineReader r(s, 100);
            auto line = co_await r.read_line(LineReader::Wait::for_command);
            between = line.status;
            between_saw_draining = s.draining();
        },
        asio::detached);
    asio::co_spawn(
        pair.context,
        [&]() -> awaitable<void> {
            Stream s(std::move(second_server), Role::server);
            LineReader r(s, 100);
            auto line = co_await r.read_line(LineReader::Wait::in_message);
            inside = line.status;
            inside_line = std::string(line.text);
        },
        asio::detached);
    asio::post(pair.context, [&] { drain_streams(pair.context); });
    asio::post(pair.context, [&] {
        const std::string rest = "the rest of the message\r\n";
        asio::write(second_client, asio::buffer(rest));
    });
    pair.context.run_for(std::chrono::seconds(5));
    EXPECT_EQ(between, ReadStatus::closed);
    EXPECT_TRUE(between_saw_draining);
    EXPECT_EQ(inside, ReadStatus::line);
    EXPECT_EQ(inside_line, "the rest of the message");
}

// when_readable: a parked stream owned by nothing but its wait's handler.
TEST(Stream, ParkedStreamWakesWhenThePeerSends)
{
    Pair pair;
    auto stream = std::make_unique<Stream>(std::move(pair.server), Role::server);
    Stream& s = *stream;
    std::error_code woke = asio::error::fault;
    std::string got;
    s.when_readable([&, owned = std::move(stream)](std::error_code ec) {
        woke = ec;
        char buf[16];
        auto [read_ec, n] = owned->read_now(asio::buffer(buf));
        if (!read_ec)
            got.assign(buf, n);
    });
    asio::write(pair.client, asio::buffer(std::string("GET")));
    pair.context.run_for(std::chrono::seconds(5));
    EXPECT_FALSE(woke);
    EXPECT_EQ(got, "GET");
}

TEST(Stream, ParkedStreamTimesOutAndDrainEndsItsWait)
{
    Pair pair;
    tcp::socket second_server{pair.context}, second_client{pair.context};
    second_client.connect(pair.acceptor.local_endpoint());
    second_server = pair.acceptor.accept();
    std::error_code idle = asio::error::fault, drained = asio::error::fault;
    auto quiet = std::make_unique<Stream>(std::move(pair.server), Role::server);
    quiet->set_timeout(std::chrono::milliseconds(100));
    Stream& q = *quiet;
    q.when_readable([&, owned = std::move(quiet)](std::error_code ec) { idle = ec; });
    auto waiting = std::make_unique<Stream>(std::move(second_server), Role::server);
    Stream& w = *waiting;
    w.when_readable([&, owned = std::move(waiting)](std::error_code ec) {
        drained = ec;
        // A stream parked while the drain is on is told at once, never left waiting.
        auto late = std::make_unique<Stream>(tcp::socket(pair.context), Role::server);
        Stream& l = *late;
        l.when_readable([&, owned = std::move(late)](std::error_code late_ec) { idle = late_ec; });
    });
    asio::steady_timer after_timeout(pair.context, std::chrono::milliseconds(400));
    after_timeout.async_wait([&](std::error_code) {
        EXPECT_EQ(idle, asio::error::timed_out);
        drain_streams(pair.context);
    });
    pair.context.run_for(std::chrono::seconds(5));
    EXPECT_EQ(drained, asio::error::shut_down);
    EXPECT_EQ(idle, asio::error::shut_down);
}

// A parked stream is owned by its pending wait: destroying the io_context destroys it, without a
// call and without touching the context's parts already gone (ASan watches).
TEST(Stream, ParkedStreamGoesWithItsContext)
{
    bool called = false;
    {
        Pair pair;
        auto stream = std::make_unique<Stream>(std::move(pair.server), Role::server);
        Stream& s = *stream;
        s.when_readable([&, owned = std::move(stream)](std::error_code) { called = true; });
        pair.context.poll();
    }
    EXPECT_FALSE(called);
}

TEST(ConnectTcp, GivesUpAtItsTimeout)
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof at;
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
    ASSERT_EQ(::listen(listener, 0), 0);
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&at), &len), 0);
    asio::io_context context;
    std::vector<tcp::socket> fillers;
    for (int i = 0; i < 2; ++i) {  // backlog 0 still queues one: fill it (the second may hang, hence async)
        fillers.emplace_back(context);
        fillers.back().async_connect({asio::ip::address_v4::loopback(), ntohs(at.sin_port)}, [](std::error_code) {});
    }
    const HostPort target{"127.0.0.1", ntohs(at.sin_port)};
    std::error_code result;
    bool done = false;
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(
        context,
        [&]() -> awaitable<void> {
            asio::steady_timer settle(context, std::chrono::milliseconds(100));  // the fillers go first
            co_await settle.async_wait(use_tuple);
            auto [ec, socket] = co_await connect_tcp(target, std::chrono::milliseconds(300));
            result = ec;
            done = true;
            for (auto& f : fillers)
                f.close();
        },
        asio::detached);
    context.run_for(std::chrono::seconds(10));
    ::close(listener);
    ASSERT_TRUE(done);
    EXPECT_EQ(result, asio::error::timed_out);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(Runtime, PortInUseIsAnError)
{
    asio::io_context context;
    tcp::acceptor holder(context, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    Runtime runtime(2);
    auto [ec, bound] =
        runtime.listen_tcp(holder.local_endpoint(), 10, [](tcp::socket) -> awaitable<void> { co_return; });
    EXPECT_EQ(ec, asio::error::address_in_use);
}

TEST(Runtime, SharesAPortAcrossWorkersAndStops)
{
    Runtime runtime(2);
    std::atomic<int> served{0};
    auto [ec, bound] = runtime.listen_tcp(
        tcp::endpoint(asio::ip::address_v4::loopback(), 0), 100, [&](tcp::socket s) -> awaitable<void> {
            co_await asio::async_write(s, asio::buffer(std::string("hi\n")), use_tuple);
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
    runtime.set_drain_limit(std::chrono::milliseconds(500));
    runtime.run();
    clients.join();
    EXPECT_EQ(served.load(), 20);
}

// before_stop: a service takes its leave through another one (the demo seed's "stopped" to the
// tracker) while the listeners still accept; they close, and on_stop runs, only after its done().
TEST(Runtime, BeforeStopRunsWhileTheListenersStillAccept)
{
    Runtime runtime(1);
    std::atomic<int> served{0};
    auto [ec, bound] = runtime.listen_tcp(
        tcp::endpoint(asio::ip::address_v4::loopback(), 0), 10, [&](tcp::socket s) -> awaitable<void> {
            co_await asio::async_write(s, asio::buffer(std::string("hi\n")), use_tuple);
            ++served;
        });
    ASSERT_FALSE(ec);
    std::thread leaving;
    std::atomic<bool> answered{false}, answered_before_on_stop{false};
    runtime.before_stop([&, bound = bound](std::function<void()> done) {
        leaving = std::thread([&, bound, done] {
            asio::io_context context;
            tcp::socket s(context);
            std::error_code e;
            s.connect(bound, e);
            char buf[3];
            if (!e)
                asio::read(s, asio::buffer(buf), e);
            answered = !e;
            done();
        });
    });
    runtime.on_stop([&] { answered_before_on_stop = answered.load(); });
    runtime.stop();
    runtime.set_drain_limit(std::chrono::milliseconds(500));
    runtime.run();
    leaving.join();
    EXPECT_TRUE(answered);
    EXPECT_TRUE(answered_before_on_stop);
    EXPECT_EQ(served.load(), 1);
}

// FirstSpeaker::client: a connection reaches the handler only once the client has sent something,
// and a client that never does is still handed over after the deferral (about a second).
TEST(Runtime, ClientFirstListenerHandsOverConnectionsWithTheirFirstBytes)
{
    using Clock = std::chrono::steady_clock;
    Runtime runtime(1);
    std::mutex lock;
    std::vector<Clock::time_point> accepted;
    auto [ec, bound] = runtime.listen_tcp(
        tcp::endpoint(asio::ip::address_v4::loopback(), 0), 10,
        [&](tcp::socket s) -> awaitable<void> {
            {
                std::lock_guard guard(lock);
                accepted.push_back(Clock::now());
            }
            co_await asio::async_write(s, asio::buffer(std::string("hi")), use_tuple);
        },
        FirstSpeaker::client);
    ASSERT_FALSE(ec);
    Clock::time_point talker_connected, silent_connected, silent_answered;
    std::thread clients([&] {
        asio::io_context context;
        tcp::socket talker(context);
        talker.connect(bound);
        talker_connected = Clock::now();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the silence being measured
        asio::write(talker, asio::buffer(std::string("x")));
        char buf[2];
        asio::read(talker, asio::buffer(buf));
        tcp::socket silent(context);
        silent.connect(bound);
        silent_connected = Clock::now();
        asio::read(silent, asio::buffer(buf));  // never writes: waits for the deferral to end
        silent_answered = Clock::now();
        runtime.stop();
    });
    runtime.set_drain_limit(std::chrono::milliseconds(500));
    runtime.run();
    clients.join();
    ASSERT_EQ(accepted.size(), 2u);
    EXPECT_GE(accepted[0] - talker_connected, std::chrono::milliseconds(250));
    EXPECT_LT(silent_answered - silent_connected, std::chrono::seconds(5));
}

// A service that keeps its connections without a coroutine holds their admission in Admitted.
TEST(Runtime, AdmittedCountsTheConnectionUntilItGoes)
{
    Runtime runtime(1);
    auto [ec, bound] = runtime.listen_tcp(
        tcp::endpoint(asio::ip::address_v4::loopback(), 0), Admission(Limits{.max_connections = 1}, "busy\n"),
        [](tcp::socket s, tcp::endpoint, Admitted a) {
            auto socket = std::make_shared<tcp::socket>(std::move(s));
            asio::write(*socket, asio::buffer(std::string("hi\n")));
            // Held until the client closes: no coroutine, only this wait.
            socket->async_wait(tcp::socket::wait_read, [socket, a = std::move(a)](std::error_code) {});
        });
    ASSERT_FALSE(ec);
    std::string first, refused, after;
    std::thread clients([&] {
        asio::io_context context;
        const auto greeting = [&](tcp::socket& s) {
            std::string text(5, '\0');
            std::error_code read_ec;
            const std::size_t n = asio::read(s, asio::buffer(text), asio::transfer_at_least(3), read_ec);
            return text.substr(0, n);
        };
        tcp::socket one(context), two(context);
        one.connect(bound);
        first = greeting(one);
        two.connect(bound);
        refused = greeting(two);  // the first still holds the only place
        one.close();
        // The server learns of the close on its own time: try again until then (bounded).
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (after != "hi\n" && std::chrono::steady_clock::now() < deadline) {
            tcp::socket three(context);
            three.connect(bound);
            after = greeting(three);
            if (after != "hi\n")
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        runtime.stop();
    });
    runtime.set_drain_limit(std::chrono::milliseconds(500));
    runtime.run();
    clients.join();
    EXPECT_EQ(first, "hi\n");
    EXPECT_EQ(refused, "busy\n");
    EXPECT_EQ(after, "hi\n");
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
