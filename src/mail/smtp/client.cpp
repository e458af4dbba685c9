// The SMTP client shell: see client.hpp. Timeouts come from the stream's watchdog (set by the
// caller); the session decides everything else.
#include "mail/smtp/client.hpp"

#include "core/net/line_reader.hpp"

namespace layer7::mail::smtp {

namespace {

core::awaitable<ClientRun> dialogue(core::Stream& stream, ClientSession& session, asio::ssl::context* tls,
                                    const std::string& server_name)
{
    ClientRun run;
    core::ReplyParser parser(reply_syntax);
    core::LineReader reader(stream, reply_syntax.max_line);
    ClientStep step = session.start();
    for (;;) {
        if (!step.wire.empty() && co_await stream.write(step.wire, step.wire.size() < 4096)) {
            session.on_connection_lost();
            co_return run;
        }
        if (step.next == ClientNext::close)
            co_return run;
        if (step.next == ClientNext::start_tls) {
            reader.discard_buffered();
            if (!tls || co_await stream.start_tls_client(*tls, server_name)) {
                run.tls_failed = true;
                session.on_connection_lost();
                co_return run;
            }
            step = session.on_tls_started();
            continue;
        }
        // Read lines until one whole reply is in.
        std::optional<Reply> reply;
        while (!reply) {
            const core::ReadLine line = co_await reader.read_line();
            if (line.status != core::ReadStatus::line) {
                if (line.status == core::ReadStatus::too_long)
                    run.protocol_error = true;
                session.on_connection_lost();
                co_return run;
            }
            auto parsed = parser.on_line(line.text);
            if (!parsed) {
                run.protocol_error = true;
                session.on_connection_lost();
                co_return run;
            }
            reply = std::move(*parsed);
        }
        step = session.on_reply(*reply);
    }
}

}  // namespace

core::awaitable<ClientRun> run_client(core::Stream& stream, ClientSession& session, asio::ssl::context* tls,
                                      const std::string& server_name)
{
    co_return co_await dialogue(stream, session, tls, server_name);
}

}  // namespace layer7::mail::smtp
