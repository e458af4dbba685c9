// Echo server shell: TCP bytes as they arrive and UDP datagrams, upper-cased.
#include <spdlog/spdlog.h>

#include "core/net/stream.hpp"
#include "core/text/ascii.hpp"
#include "echo/echo.hpp"

namespace layer7::echo {

namespace {
// The textbook's TCPServer answers whatever one recv() returned, newline or not, so its TCPClient
// (a sentence without a newline, then recv()) gets a reply. We do the same for each read, until
// the client closes; no line framing, so no line limit: memory is the one chunk buffer.
constexpr std::size_t chunk_size = 4096;

core::awaitable<void> echo_bytes(core::Stream& stream, const Config& config)
{
    std::string chunk(chunk_size, '\0');
    stream.set_between_messages(true);  // every echo is answered at once: a stop may close any wait
    for (;;) {
        auto [ec, n] = co_await stream.read_some(asio::buffer(chunk));
        if (ec || n == 0) {
            if (stream.timed_out())
                spdlog::info("echo: {} idle for {}s; closing", stream.peer_string(),
                             config.limits.idle_timeout.count());
            co_return;
        }
        const std::string_view got(chunk.data(), n);
        core::Trace::instance().block(stream.id(), stream.them(), got);
        const std::string reply = core::to_upper(got);
        if (co_await stream.write(reply))
            co_return;
    }
}
}  // namespace

core::awaitable<void> serve_connection(core::TcpSocket socket, const Config& config)
{
    core::Stream stream(std::move(socket), core::Role::server);
    stream.set_timeout(config.limits.idle_timeout);
    co_await echo_bytes(stream, config);
    co_await stream.shutdown();
}

core::awaitable<void> serve_udp(asio::ip::udp::socket& socket)
{
    char buffer[65536];
    asio::ip::udp::endpoint sender;
    for (;;) {
        auto [ec, n] = co_await socket.async_receive_from(asio::buffer(buffer), sender, core::use_tuple);
        if (ec == asio::error::operation_aborted || !socket.is_open())
            co_return;
        if (ec)
            continue;  // ICMP errors from earlier sends surface here; they are not ours to act on
        const std::string reply = core::to_upper(std::string_view(buffer, n));
        const auto id = core::Trace::next_id();
        core::Trace::instance().block(id, core::Speaker::client, reply.empty() ? "" : std::string_view(buffer, n));
        core::Trace::instance().block(id, core::Speaker::server, reply);
        co_await socket.async_send_to(asio::buffer(reply), sender, core::use_tuple);
    }
}

}  // namespace layer7::echo
