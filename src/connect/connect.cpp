// `layer7 connect`: see connect.hpp.
#include "connect/connect.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <iostream>

#include "core/net/resolve.hpp"
#include "core/net/stream.hpp"

namespace layer7::connect {

namespace {

using namespace asio::experimental::awaitable_operators;
constexpr auto session_timeout = std::chrono::hours(24);  // an interactive session may idle long

// The lines typed on stdin. A pipe, terminal or socket is read as it comes (epoll); a regular
// file or /dev/null cannot be polled, but is finite: it is read whole at the start.
class Input {
public:
    explicit Input(const asio::any_io_executor& executor) : descriptor_(executor)
    {
        struct stat st {};
        const bool pollable =
            ::fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || ::isatty(STDIN_FILENO));
        if (pollable) {
            flags_ = ::fcntl(STDIN_FILENO, F_GETFL);
            descriptor_.assign(::dup(STDIN_FILENO));
            return;
        }
        char buffer[65536];
        for (ssize_t n; (n = ::read(STDIN_FILENO, buffer, sizeof buffer)) > 0;)
            pending_.append(buffer, static_cast<std::size_t>(n));
        ended_ = true;
    }
    ~Input()
    {
        if (flags_ >= 0)  // asio made the shared file description non-blocking: the shell's terminal
            ::fcntl(STDIN_FILENO, F_SETFL, flags_);
    }

    // The next line without its line ending; nullopt at the end of input.
    core::awaitable<std::optional<std::string>> next_line()
    {
        for (;;) {
            if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
                std::string line = pending_.substr(0, nl);
                pending_.erase(0, nl + 1);
                if (line.ends_with('\r'))
                    line.pop_back();
                co_return line;
            }
            if (ended_) {
                if (pending_.empty())
                    co_return std::nullopt;
                co_return std::exchange(pending_, {});  // a last line without newline
            }
            char buffer[4096];
            auto [ec, n] = co_await descriptor_.async_read_some(asio::buffer(buffer), core::use_tuple);
            if (ec)
                ended_ = true;
            else
                pending_.append(buffer, n);
        }
    }

private:
    asio::posix::stream_descriptor descriptor_;
    int flags_ = -1;
    std::string pending_;
    bool ended_ = false;
};

void print(std::string_view bytes)
{
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
}

// Server bytes, traced as "S:" lines once each line is whole.
class ServerTrace {
public:
    explicit ServerTrace(std::uint64_t id) : id_(id) {}
    void add(std::string_view bytes)
    {
        if (!core::Trace::instance().enabled())
            return;
        partial_.append(bytes);
        std::size_t nl;
        while ((nl = partial_.find('\n')) != std::string::npos) {
            std::string_view line(partial_.data(), nl);
            if (line.ends_with('\r'))
                line.remove_suffix(1);
            core::Trace::instance().line(id_, core::Speaker::server, line);
            partial_.erase(0, nl + 1);
        }
    }
    ~ServerTrace()
    {
        if (!partial_.empty() && core::Trace::instance().enabled())
            core::Trace::instance().line(id_, core::Speaker::server, partial_);
    }

private:
    std::uint64_t id_;
    std::string partial_;
};

// The plaintext dialogue up to the TLS handshake; "" on success, else why not.
core::awaitable<std::string> upgrade(core::Stream& stream, StartTlsProtocol protocol, ServerTrace& trace)
{
    StartTlsDialogue dialogue(protocol);
    std::string buffered;
    char buffer[4096];
    for (;;) {
        const auto nl = buffered.find('\n');
        if (nl == std::string::npos) {
            if (buffered.size() > 64 * 1024)
                co_return "the server sent a line over 64 KiB";
            auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
            if (ec)
                co_return "the server closed before TLS: " + ec.message();
            trace.add(std::string_view(buffer, n));
            buffered.append(buffer, n);
            continue;
        }
        std::string_view line(buffered.data(), nl);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        StartTlsStep step = dialogue.on_line(line);
        buffered.erase(0, nl + 1);
        for (const auto& out : step.send)
            if (auto ec = co_await stream.write(out + "\r\n"))
                co_return "cannot send: " + ec.message();
        if (step.next == StartTlsStep::Next::failed)
            co_return "the server refused: " + step.error;
        if (step.next == StartTlsStep::Next::start_tls)
            co_return "";  // anything buffered now would be plaintext injected before TLS: dropped
    }
}

core::awaitable<void> from_server(core::Stream& stream, ServerTrace& trace)
{
    char buffer[16384];
    for (;;) {
        auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
        if (ec || n == 0)
            co_return;
        trace.add(std::string_view(buffer, n));
        print(std::string_view(buffer, n));
    }
}

// Sends each line with CRLF; at the end of input, waits a while for the server's last words.
core::awaitable<void> from_user(core::Stream& stream, Input& input, std::chrono::seconds wait)
{
    for (;;) {
        auto line = co_await input.next_line();
        if (!line)
            break;
        if (co_await stream.write(*line + "\r\n"))
            co_return;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, wait);
    co_await timer.async_wait(core::use_tuple);
}

core::awaitable<int> run_tcp(const Options& options)
{
    const std::string where = core::to_string(options.server);
    auto [ec, socket] = co_await core::connect_tcp(options.server, options.timeout);
    if (ec) {
        std::cerr << "layer7: cannot connect to " << where << ": " << ec.message() << "\n";
        co_return 1;
    }
    core::Stream stream(std::move(socket), core::Role::client);
    ServerTrace trace(stream.id());
    stream.set_timeout(options.timeout);
    if (options.starttls) {
        const std::string failure = co_await upgrade(stream, *options.starttls, trace);
        if (!failure.empty()) {
            std::cerr << "layer7: STARTTLS with " << where << ": " << failure << "\n";
            co_return 1;
        }
    }
    if (options.tls || options.starttls) {
        if (auto error = co_await stream.start_tls_client(options.ca_file, options.insecure, options.server.host);
            !error.empty()) {
            std::cerr << "layer7: " << where << ": " << error << "\n";
            co_return 1;
        }
    }
    stream.set_timeout(session_timeout);
    Input input(co_await asio::this_coro::executor);
    co_await (from_server(stream, trace) || from_user(stream, input, options.wait));
    co_await stream.shutdown();
    co_return 0;
}

// UDP: each line is one datagram (without its line ending); each datagram back is printed as a line.
core::awaitable<int> run_udp(const Options& options)
{
    auto executor = co_await asio::this_coro::executor;
    asio::ip::udp::endpoint endpoint;
    if (auto listed = core::hosts_addresses(options.server.host); !listed.empty()) {
        endpoint = asio::ip::udp::endpoint(listed.front(), options.server.port);
    } else {
        asio::ip::udp::resolver resolver(executor);
        auto [rec, results] =
            co_await resolver.async_resolve(options.server.host, std::to_string(options.server.port), core::use_tuple);
        if (rec || results.empty()) {
            std::cerr << "layer7: cannot resolve " << options.server.host << ": " << rec.message() << "\n";
            co_return 1;
        }
        endpoint = results.begin()->endpoint();
    }
    asio::ip::udp::socket socket(executor, endpoint.protocol());
    socket.connect(endpoint);  // only this server's datagrams, and ICMP unreachable as an error
    const std::uint64_t id = core::Trace::next_id();
    auto receive = [&]() -> core::awaitable<void> {
        char buffer[65536];
        for (;;) {
            auto [ec, n] = co_await socket.async_receive(asio::buffer(buffer), core::use_tuple);
            if (ec == asio::error::connection_refused) {
                std::cerr << "layer7: " << core::to_string(options.server) << ": nobody listening (ICMP)\n";
                continue;
            }
            if (ec)
                co_return;
            const std::string_view text(buffer, n);
            if (core::Trace::instance().enabled())
                core::Trace::instance().line(id, core::Speaker::server, text);
            print(std::string(text) + "\n");
        }
    };
    auto send = [&]() -> core::awaitable<void> {
        Input input(executor);
        for (;;) {
            auto line = co_await input.next_line();
            if (!line)
                break;
            if (core::Trace::instance().enabled())
                core::Trace::instance().line(id, core::Speaker::client, *line);
            co_await socket.async_send(asio::buffer(*line), core::use_tuple);
        }
        asio::steady_timer timer(executor, options.wait);
        co_await timer.async_wait(core::use_tuple);
    };
    co_await (receive() || send());
    co_return 0;
}

}  // namespace

int run(const Options& options)
{
    asio::io_context context;
    int status = 1;
    auto session = options.udp ? run_udp(options) : run_tcp(options);
    asio::co_spawn(context, std::move(session), [&](std::exception_ptr e, int s) {
        if (e)
            std::rethrow_exception(e);
        status = s;
    });
    context.run();
    return status;
}

}  // namespace layer7::connect
