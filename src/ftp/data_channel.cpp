// Data connections and byte moving: see data_channel.hpp.
#include "ftp/data_channel.hpp"

#include "core/fs/write_all.hpp"

#include <unistd.h>

#include <vector>

namespace layer7::ftp {

using namespace asio::experimental::awaitable_operators;

namespace {
constexpr std::size_t chunk = 256 * 1024;

}  // namespace

bool is_end_of_stream(const std::error_code& ec)
{
    return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

std::optional<Tcp::acceptor> open_listener(const asio::any_io_executor& executor, const asio::ip::address& address,
                                           std::uint16_t low, std::uint16_t high, std::atomic<unsigned>& cursor)
{
    const unsigned span = low == 0 ? 1 : static_cast<unsigned>(high - low) + 1;
    const unsigned start = cursor.fetch_add(1, std::memory_order_relaxed);
    for (unsigned i = 0; i < span; ++i) {
        const std::uint16_t port = low == 0 ? 0 : static_cast<std::uint16_t>(low + (start + i) % span);
        Tcp::acceptor acceptor(executor);
        std::error_code ec;
        acceptor.open(address.is_v4() ? Tcp::v4() : Tcp::v6(), ec);
        if (!ec)
            acceptor.bind({address, port}, ec);
        if (!ec)
            acceptor.listen(1, ec);
        if (!ec)
            return acceptor;
    }
    return std::nullopt;
}

core::awaitable<std::pair<std::error_code, Tcp::socket>> accept_from(Tcp::acceptor& acceptor,
                                                                     const asio::ip::address& expected_peer,
                                                                     std::chrono::steady_clock::duration timeout)
{
    asio::steady_timer timer(acceptor.get_executor(), timeout);
    auto normal = [](const asio::ip::address& a) {
        return a.is_v6() && a.to_v6().is_v4_mapped()
                   ? asio::ip::address(asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()))
                   : a;
    };
    for (;;) {
        auto result = co_await (acceptor.async_accept(core::use_tuple) || timer.async_wait(core::use_tuple));
        if (result.index() == 1)
            co_return std::pair{std::error_code(asio::error::timed_out), Tcp::socket(acceptor.get_executor())};
        auto [ec, socket] = std::move(std::get<0>(result));
        if (ec)
            co_return std::pair{ec, std::move(socket)};
        std::error_code peer_ec;
        const auto peer = socket.remote_endpoint(peer_ec);
        if (!peer_ec && normal(peer.address()) == normal(expected_peer))
            co_return std::pair{std::error_code{}, std::move(socket)};
        socket.close(peer_ec);  // someone else raced for our port
    }
}

core::awaitable<std::pair<std::error_code, Tcp::socket>> connect_to(const Tcp::endpoint& target,
                                                                    const asio::ip::address& local,
                                                                    std::chrono::steady_clock::duration timeout)
{
    auto executor = co_await asio::this_coro::executor;
    Tcp::socket socket(executor);
    std::error_code ec;
    socket.open(target.protocol(), ec);
    if (!ec && local.is_v4() == target.address().is_v4())
        socket.bind({local, 0}, ec);
    if (ec)
        co_return std::pair{ec, std::move(socket)};
    asio::steady_timer timer(executor, timeout);
    auto result = co_await (socket.async_connect(target, core::use_tuple) || timer.async_wait(core::use_tuple));
    if (result.index() == 1)
        co_return std::pair{std::error_code(asio::error::timed_out), std::move(socket)};
    auto [cec] = std::get<0>(result);
    co_return std::pair{cec, std::move(socket)};
}

core::awaitable<Moved> send_file(core::Stream& data, int fd, std::uint64_t offset, std::uint64_t length, bool ascii,
                                 const Progress* progress)
{
    Moved moved;
    if (!ascii) {
        // In pieces only to report progress; the server passes no callback and sends at once.
        const std::uint64_t piece = progress ? 8u << 20 : length;
        while (moved.bytes < length) {
            const std::uint64_t n = std::min(piece, length - moved.bytes);
            if (auto ec = co_await data.send_file(fd, offset + moved.bytes, n)) {
                (ec.category() == std::generic_category() && ec != std::errc::broken_pipe &&
                         ec != std::errc::connection_reset
                     ? moved.local
                     : moved.network) = ec;
                co_return moved;
            }
            moved.bytes += n;
            if (progress)
                (*progress)(moved.bytes);
        }
        co_return moved;
    }
    std::vector<char> in(chunk);
    std::string out;
    char last = 0;
    while (moved.bytes < length) {
        const ssize_t n = ::pread(fd, in.data(), std::min<std::uint64_t>(chunk, length - moved.bytes),
                                  static_cast<off_t>(offset + moved.bytes));
        if (n <= 0) {
            moved.local =
                n == 0 ? std::make_error_code(std::errc::io_error) : std::error_code(errno, std::generic_category());
            co_return moved;
        }
        out.clear();
        for (ssize_t i = 0; i < n; ++i) {
            if (in[i] == '\n' && last != '\r')
                out += '\r';
            out += in[i];
            last = in[i];
        }
        if (auto ec = co_await data.write(out, false)) {
            moved.network = ec;
            co_return moved;
        }
        moved.bytes += static_cast<std::uint64_t>(n);
        if (progress)
            (*progress)(moved.bytes);
    }
    co_return moved;
}

core::awaitable<Moved> send_bytes(core::Stream& data, std::string_view bytes)
{
    Moved moved;
    moved.network = co_await data.write(bytes, false);
    if (!moved.network)
        moved.bytes = bytes.size();
    co_return moved;
}

core::awaitable<Moved> receive_file(core::Stream& data, int fd, bool ascii, const Progress* progress)
{
    Moved moved;
    std::vector<char> buffer(chunk);
    std::string out;
    bool cr_pending = false;  // TYPE A: a CR at the end of one read may pair with an LF in the next
    for (;;) {
        auto [ec, n] = co_await data.read_some(asio::buffer(buffer));
        if (ec) {
            if (!is_end_of_stream(ec))
                moved.network = ec;
            else if (cr_pending)
                moved.local = core::write_all(fd, "\r");
            co_return moved;
        }
        if (!ascii) {
            moved.local = core::write_all(fd, std::string_view(buffer.data(), n));
        } else {
            out.clear();
            for (std::size_t i = 0; i < n; ++i) {
                if (cr_pending && buffer[i] != '\n')
                    out += '\r';
                cr_pending = buffer[i] == '\r';
                if (!cr_pending)
                    out += buffer[i];
            }
            moved.local = core::write_all(fd, out);
        }
        if (moved.local)
            co_return moved;
        moved.bytes += n;
        if (progress)
            (*progress)(moved.bytes);
    }
}

core::awaitable<std::pair<std::error_code, std::string>> receive_all(core::Stream& data, std::size_t max)
{
    std::string out;
    std::vector<char> buffer(65536);
    for (;;) {
        auto [ec, n] = co_await data.read_some(asio::buffer(buffer));
        if (ec) {
            std::error_code result;  // GCC 12: no ternary inside co_return
            if (!is_end_of_stream(ec))
                result = ec;
            co_return std::pair{result, std::move(out)};
        }
        if (out.size() + n > max)
            co_return std::pair{std::make_error_code(std::errc::message_size), std::move(out)};
        out.append(buffer.data(), n);
    }
}

}  // namespace layer7::ftp
