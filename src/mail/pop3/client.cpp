// `layer7 mail fetch --pop3`: see client.hpp. Order matters for "nothing acknowledged is lost":
// RETR → durable local delivery → DELE, and the server removes the DELE'd messages only at QUIT.
#include "mail/pop3/client.hpp"

#include <iostream>
#include <optional>

#include "core/net/line_reader.hpp"
#include "core/net/resolve.hpp"
#include "mail/pop3/response_codec.hpp"
#include "mail/message/display.hpp"
#include "mail/store/maildir.hpp"

namespace layer7::mail::pop3 {

namespace {

class Connection {
public:
    Connection(core::Stream& stream, const FetchOptions& options)
        : stream_(stream), reader_(stream, options.max_line), options_(options)
    {
    }

    // Reads one status line; nullopt when the connection ends or the line is not a status.
    core::awaitable<std::optional<Status>> status()
    {
        const core::ReadLine line = co_await reader_.read_line();
        if (line.status != core::ReadStatus::line)
            co_return std::nullopt;
        co_return parse_status(line.text);
    }

    // Sends `command` and reads its status line; nullopt (with `failure` set) unless +OK.
    core::awaitable<std::optional<Status>> command(const std::string& command, std::string& failure)
    {
        if (co_await stream_.write(command + "\r\n")) {
            failure = "connection lost";
            co_return std::nullopt;
        }
        auto s = co_await status();
        if (!s) {
            failure = "no valid reply to " + command.substr(0, command.find(' '));
            co_return std::nullopt;
        }
        if (!s->ok) {
            failure = command.substr(0, command.find(' ')) + ": -ERR " + (s->code.empty() ? "" : "[" + s->code + "] ") +
                      s->text;
            co_return std::nullopt;
        }
        co_return s;
    }

    // The lines of a multi-line response up to ".", un-stuffed, joined with CRLF.
    core::awaitable<std::optional<std::string>> multiline(std::string& failure)
    {
        std::string out;
        for (;;) {
            const core::ReadLine line = co_await reader_.read_line();
            if (line.status != core::ReadStatus::line) {
                failure = line.status == core::ReadStatus::too_long ? "line too long" : "connection lost";
                co_return std::nullopt;
            }
            const core::DotLine dot = core::unstuff_dot(line.text);
            if (dot.end)
                co_return out;
            out += dot.text;
            out += "\r\n";
            if (out.size() > options_.max_message_bytes) {
                failure = "message larger than " + std::to_string(options_.max_message_bytes) + " bytes";
                co_return std::nullopt;
            }
        }
    }

    void discard_buffered() { reader_.discard_buffered(); }

private:
    core::Stream& stream_;
    core::LineReader reader_;
    const FetchOptions& options_;
};

// --list and --read: print with the display code `mail fetch --imap` uses too.
core::awaitable<void> show(Connection& c, const FetchOptions& options, std::string& failure)
{
    if (options.mode == FetchOptions::Mode::read) {
        if (!co_await c.command("RETR " + std::to_string(options.number), failure))
            co_return;
        auto message = co_await c.multiline(failure);
        if (message)
            std::cout << mail::display_message(*message);
        co_return;
    }
    if (!co_await c.command("LIST", failure))
        co_return;
    auto listing = co_await c.multiline(failure);
    if (!listing)
        co_return;
    std::vector<Scan> scans;
    for (std::size_t start = 0; start < listing->size();) {
        const std::size_t end = listing->find("\r\n", start);
        if (auto scan = parse_scan(std::string_view(*listing).substr(start, end - start)))
            scans.push_back(*scan);
        start = end + 2;
    }
    for (const Scan& scan : scans) {
        if (!co_await c.command("TOP " + std::to_string(scan.number) + " 0", failure))
            co_return;
        auto header = co_await c.multiline(failure);
        if (!header)
            co_return;
        std::cout << mail::summary_line(std::to_string(scan.number), "", scan.size, *header) << "\n";
    }
    std::cout << scans.size() << " message" << (scans.size() == 1 ? "" : "s") << "\n";
}

core::awaitable<int> run(const FetchOptions& options)
{
    auto [ec, socket] = co_await core::connect_tcp(options.server, options.timeout);
    const std::string where = core::to_string(options.server);
    if (ec) {
        std::cerr << "layer7: cannot connect to " << where << ": " << ec.message() << "\n";
        co_return 1;
    }
    core::Stream stream(std::move(socket), core::Role::client);
    stream.set_timeout(options.timeout);
    mail::Maildir maildir(options.maildir);
    std::size_t fetched = 0, deleted = 0;
    std::uint64_t bytes = 0;
    std::string failure;

    auto session = [&]() -> core::awaitable<void> {
        Connection c(stream, options);
        auto greeting = co_await c.status();
        if (!greeting || !greeting->ok) {
            failure = "no POP3 greeting";
            co_return;
        }
        if (options.starttls) {
            if (!co_await c.command("STLS", failure))
                co_return;
            c.discard_buffered();  // nothing read before TLS counts after it
            failure = co_await stream.start_tls_client(options.ca_file, options.insecure, options.server.host);
            if (!failure.empty())
                co_return;
        }
        if (!co_await c.command("USER " + options.user, failure) ||
            !co_await c.command("PASS " + options.password, failure))
            co_return;
        if (options.mode != FetchOptions::Mode::download) {
            co_await show(c, options, failure);
            std::string quit_failure;
            co_await c.command("QUIT", quit_failure);
            co_return;
        }
        auto stat = co_await c.command("STAT", failure);
        if (!stat)
            co_return;
        const auto scan = parse_scan(stat->text);
        if (!scan) {
            failure = "bad STAT reply: " + stat->text;
            co_return;
        }
        if (scan->number > 0) {
            if (auto created = maildir.create()) {
                failure = "cannot create " + options.maildir + ": " + created.message();
                co_return;
            }
        }
        for (std::size_t n = 1; n <= scan->number; ++n) {
            if (!co_await c.command("RETR " + std::to_string(n), failure))
                break;
            auto message = co_await c.multiline(failure);
            if (!message)
                co_return;  // no QUIT: the server deletes nothing it has not been told to
            if (auto stored = maildir.deliver(*message); !stored) {
                failure = "cannot store message " + std::to_string(n) + " in " + options.maildir + ": " +
                          stored.error().message();
                break;  // QUIT still commits the DELEs of the messages already stored
            }
            ++fetched;
            bytes += message->size();
            if (!options.keep) {
                if (!co_await c.command("DELE " + std::to_string(n), failure))
                    break;
                ++deleted;
            }
        }
        std::string quit_failure;
        if (!co_await c.command("QUIT", quit_failure) && failure.empty())
            failure = quit_failure;
    };
    co_await session();
    co_await stream.shutdown();

    if (stream.timed_out() && failure.empty())
        failure = "timed out";
    // A summary says what happened to mail; after a failure that fetched nothing (a wrong password,
    // a locked mailbox) it would only put "fetched 0 messages" in front of the error.
    if (options.mode == FetchOptions::Mode::download && (failure.empty() || fetched > 0)) {
        std::cout << "fetched " << fetched << " message" << (fetched == 1 ? "" : "s") << " (" << bytes
                  << " octets) from " << where << " into " << options.maildir;
        if (!options.keep)
            std::cout << "; " << deleted << " deleted on the server";
        std::cout << "\n";
    }
    if (!failure.empty()) {
        std::cerr << "layer7: " << where << ": " << failure << "\n";
        co_return 1;
    }
    co_return 0;
}

}  // namespace

int fetch(const FetchOptions& options)
{
    asio::io_context context;
    int status = 1;
    asio::co_spawn(context, run(options), [&](std::exception_ptr e, int s) {
        if (e)
            std::rethrow_exception(e);
        status = s;
    });
    context.run();
    return status;
}

}  // namespace layer7::mail::pop3
