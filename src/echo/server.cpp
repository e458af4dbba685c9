// Echo server shell: TCP lines and UDP datagrams, upper-cased.
#include <spdlog/spdlog.h>

#include "core/net/line_reader.hpp"
#include "echo/echo.hpp"

namespace layer7::echo {

std::string upper(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

namespace {
core::awaitable<void> echo_lines(core::Stream& stream, const Config& config)
{
    core::LineReader reader(stream, config.limits.max_line);
    std::string reply;
    for (;;) {
        core::ReadLine line = co_await reader.read_line();
        switch (line.status) {
        case core::ReadStatus::line:
            break;
        case core::ReadStatus::too_long:
            spdlog::warn("echo: line over {} bytes from {}; closing", config.limits.max_line, stream.peer_string());
            co_return;
        case core::ReadStatus::timed_out:
            spdlog::info("echo: {} idle for {}s; closing", stream.peer_string(), config.limits.idle_timeout.count());
            co_return;
        case core::ReadStatus::closed:
            co_return;
        }
        reply = upper(line.text);
        reply += line.end == core::LineEnd::crlf ? "\r\n" : "\n";
        if (co_await stream.write(reply))
            co_return;
    }
}
}  // namespace

core::awaitable<void> serve_connection(asio::ip::tcp::socket socket, const Config& config)
{
    core::Stream stream(std::move(socket), core::Role::server);
    stream.set_timeout(config.limits.idle_timeout);
    co_await echo_lines(stream, config);
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
        const std::string reply = upper(std::string_view(buffer, n));
        const auto id = core::Trace::next_id();
        core::Trace::instance().block(id, core::Speaker::client, reply.empty() ? "" : std::string_view(buffer, n));
        core::Trace::instance().block(id, core::Speaker::server, reply);
        co_await socket.async_send_to(asio::buffer(reply), sender, core::use_tuple);
    }
}

}  // namespace layer7::echo
