// The load generator of bench/websocket.sh (Boost.Beast client, written for this benchmark): CONNS
// connections each send a message and wait for its echo, over and over, for SECONDS; prints round
// trips per second, the p50/p99 round-trip latency in microseconds and the echoed MB/s.
// Usage: load HOST PORT PATH CONNS SECONDS SIZE text|binary
#include <utility>  // before Boost 1.74: its awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Shared {
    Clock::time_point end;
    std::vector<std::uint32_t> latencies_us;  // one thread: no lock
    std::uint64_t bytes = 0;
    int failures = 0;
};

class Client : public std::enable_shared_from_this<Client> {
public:
    Client(asio::io_context& context, Shared& shared, std::string payload, bool text)
        : ws_(context), shared_(shared), payload_(std::move(payload)), text_(text)
    {
    }

    void start(const tcp::endpoint& at, std::string host, std::string path)
    {
        host_ = std::move(host);
        path_ = std::move(path);
        beast::get_lowest_layer(ws_).async_connect(at, [self = shared_from_this()](beast::error_code ec) {
            if (ec)
                return self->fail();
            beast::get_lowest_layer(self->ws_).socket().set_option(tcp::no_delay(true));
            self->ws_.async_handshake(self->host_, self->path_, [self](beast::error_code ec2) {
                if (ec2)
                    return self->fail();
                self->ws_.read_message_max(64u << 20);
                self->send();
            });
        });
    }

private:
    void fail() { ++shared_.failures; }
    void send()
    {
        if (Clock::now() >= shared_.end) {
            ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
            return;
        }
        sent_at_ = Clock::now();
        ws_.text(text_);
        ws_.async_write(asio::buffer(payload_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec)
                return self->fail();
            self->ws_.async_read(self->buffer_, [self](beast::error_code ec2, std::size_t n) {
                if (ec2 || n != self->payload_.size())
                    return self->fail();
                self->buffer_.consume(n);
                const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - self->sent_at_);
                self->shared_.latencies_us.push_back(static_cast<std::uint32_t>(us.count()));
                self->shared_.bytes += n;
                self->send();
            });
        });
    }

    websocket::stream<beast::tcp_stream> ws_;
    Shared& shared_;
    std::string payload_;
    bool text_;
    std::string host_, path_;
    beast::flat_buffer buffer_;
    Clock::time_point sent_at_;
};

int main(int argc, char** argv)
{
    if (argc != 8) {
        std::fprintf(stderr, "usage: load HOST PORT PATH CONNS SECONDS SIZE text|binary\n");
        return 2;
    }
    const std::string host = argv[1], path = argv[3];
    const auto port = static_cast<unsigned short>(std::atoi(argv[2]));
    const int conns = std::atoi(argv[4]);
    const double seconds = std::atof(argv[5]);
    const std::size_t size = static_cast<std::size_t>(std::atol(argv[6]));
    const bool text = std::string(argv[7]) == "text";
    asio::io_context context(1);
    Shared shared;
    const auto start = Clock::now();
    shared.end = start + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    const tcp::endpoint at(asio::ip::make_address(host), port);
    std::string payload(size, 'a');
    if (!text)
        for (std::size_t i = 0; i < size; ++i)
            payload[i] = static_cast<char>(i * 31);
    for (int i = 0; i < conns; ++i)
        std::make_shared<Client>(context, shared, payload, text)->start(at, host, path);
    context.run_for(std::chrono::milliseconds(static_cast<long>(seconds * 1000) + 5000));  // bounded
    const double elapsed = std::chrono::duration<double>(std::min(Clock::now(), shared.end) - start).count();
    auto& l = shared.latencies_us;
    std::sort(l.begin(), l.end());
    auto pct = [&](double p) {
        return l.empty() ? 0u : l[std::min(l.size() - 1, static_cast<std::size_t>(p * l.size()))];
    };
    std::printf("rtt_per_s %.0f p50_us %u p99_us %u mb_per_s %.1f failures %d\n", l.size() / elapsed, pct(0.50),
                pct(0.99), shared.bytes / elapsed / 1e6, shared.failures);
    return shared.failures ? 1 : 0;
}
