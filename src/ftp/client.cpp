// FTP client control connection: see client.hpp.
#include "ftp/client.hpp"

#include "core/net/resolve.hpp"
#include "ftp/address.hpp"

namespace layer7::ftp {

std::string describe(const Reply& reply)
{
    return std::to_string(reply.code) + " " + reply.text.substr(0, reply.text.find('\n'));
}

core::awaitable<std::pair<std::string, Reply>> Client::read_reply()
{
    for (;;) {
        const core::ReadLine line = co_await lines_->read_line();
        const auto malformed = [](core::ReplyError error) {
            return std::pair{"malformed reply from the server: " + std::string(core::describe(error)), Reply{}};
        };
        if (line.status == core::ReadStatus::too_long)
            co_return malformed(core::ReplyError::line_too_long);
        if (line.status != core::ReadStatus::line) {
            const bool timed_out = line.status == core::ReadStatus::timed_out;
            co_return std::pair{
                std::string("control connection: ") + (timed_out ? "timed out" : "closed by the server"), Reply{}};
        }
        auto parsed = parser_.on_line(line.text);
        if (!parsed)
            co_return malformed(parsed.error());
        if (parsed->has_value())
            co_return std::pair{std::string(), std::move(**parsed)};
    }
}

core::awaitable<std::pair<std::string, Reply>> Client::command(const std::string& line)
{
    // The trace masks PASS itself unless --trace-secrets is given (core/trace/secret_mask).
    core::Trace::instance().line(control_->id(), core::Speaker::client, line);
    const std::string wire = line + "\r\n";
    if (auto ec = co_await control_->write(wire, false))
        co_return std::pair{"control connection: " + ec.message(), Reply{}};
    auto reply = co_await read_reply();
    co_return reply;
}

core::awaitable<std::string> Client::connect(const Url& url)
{
    auto [ec, socket] = co_await core::connect_tcp(url.server, options_.timeout);
    if (ec)
        co_return "cannot connect to " + core::to_string(url.server) + ": " + ec.message();
    control_ = std::make_unique<core::Stream>(std::move(socket), core::Role::client);
    control_->set_timeout(options_.timeout);
    lines_ = std::make_unique<core::LineReader>(*control_, reply_syntax.max_line);
    co_return std::string();
}

core::awaitable<std::string> Client::login(const Url& url)
{
    auto [err, greeting] = co_await read_reply();
    if (!err.empty())
        co_return err;
    if (greeting.code != 220)
        co_return describe(greeting);
    // GCC 12: the arguments of co_await'ed calls are named locals, never temporaries.
    const std::string user_line = "USER " + url.user;
    auto [uerr, user] = co_await command(user_line);
    if (!uerr.empty())
        co_return uerr;
    if (user.code == 331) {
        const std::string pass_line = "PASS " + url.password;
        auto [perr, pass] = co_await command(pass_line);
        if (!perr.empty())
            co_return perr;
        user = pass;
    }
    if (user.code != 230)
        co_return describe(user);
    const std::string type_line = "TYPE I";
    auto [terr, type] = co_await command(type_line);
    if (!terr.empty())
        co_return terr;
    if (!type.positive())
        co_return describe(type);
    co_return std::string();
}

core::awaitable<std::string> Client::prepare_data()
{
    const auto peer = control_->peer().address();
    auto executor = control_->socket().get_executor();
    if (options_.active) {
        std::error_code ec;
        const auto local = control_->socket().local_endpoint(ec);
        std::atomic<unsigned> cursor{0};
        listener_ = open_listener(executor, local.address(), 0, 0, cursor);
        if (!listener_)
            co_return std::string("cannot listen for the data connection");
        const auto port = listener_->local_endpoint(ec).port();
        const auto ip = parse_ip(local.address().to_string());
        HostPortAddress hp{*ip, port};
        // PORT is the oldest and most widely accepted; EPRT for IPv6 (RFC 2428 §2).
        const std::string line = ip->is_v4() ? "PORT " + format_port_argument(hp) : "EPRT " + format_eprt_argument(hp);
        auto [err, r] = co_await command(line);
        if (!err.empty())
            co_return err;
        std::string error;
        if (r.code != 200)
            error = describe(r);
        co_return error;
    }
    std::optional<std::uint16_t> port;
    const std::string epsv = "EPSV";
    auto [err, r] = co_await command(epsv);
    if (!err.empty())
        co_return err;
    if (r.code == 229)
        port = parse_epsv_reply(r.text);
    if (!port && peer.is_v4()) {
        const std::string pasv = "PASV";
        auto [perr, p] = co_await command(pasv);
        if (!perr.empty())
            co_return perr;
        if (p.code != 227)
            co_return describe(p);
        // The address inside 227 is ignored: behind NAT it is often wrong, and trusting it would let a
        // server aim our connection anywhere. The port goes with the address we reached it on.
        if (auto hp = parse_pasv_reply(p.text))
            port = hp->port;
    }
    if (!port)
        co_return describe(r);
    std::error_code ec;
    const auto local = control_->socket().local_endpoint(ec);
    const Tcp::endpoint target{peer, *port};
    const asio::ip::address local_address = local.address();
    auto [cec, socket] = co_await connect_to(target, local_address, options_.timeout);
    if (cec)
        co_return "data connection: " + cec.message();
    passive_ = std::move(socket);
    co_return std::string();
}

core::awaitable<std::pair<std::string, std::unique_ptr<core::Stream>>> Client::data_stream()
{
    if (passive_) {
        auto stream = std::make_unique<core::Stream>(std::move(*passive_), core::Role::client);
        passive_.reset();
        stream->set_timeout(options_.timeout);
        co_return std::pair{std::string(), std::move(stream)};
    }
    if (!listener_)
        co_return std::pair{std::string("no data connection prepared"), nullptr};
    const asio::ip::address peer = control_->peer().address();
    auto [ec, socket] = co_await accept_from(*listener_, peer, options_.timeout);
    listener_.reset();
    if (ec)
        co_return std::pair{"data connection: " + ec.message(), nullptr};
    auto stream = std::make_unique<core::Stream>(std::move(socket), core::Role::client);
    stream->set_timeout(options_.timeout);
    co_return std::pair{std::string(), std::move(stream)};
}

core::awaitable<void> Client::close()
{
    if (!control_)
        co_return;
    const std::string quit = "QUIT";
    co_await command(quit);
    co_await control_->shutdown();
}

}  // namespace layer7::ftp
