// The SMTP server shell: see server.hpp. Timeouts live here (the stream's watchdog; an idle client
// gets 421 4.4.2); file work runs on the runtime's blocking pool so one fsync never stalls the
// other connections of this worker.
#include "mail/smtp/server.hpp"

#include <spdlog/spdlog.h>

#include "core/net/line_reader.hpp"
#include "core/runtime/blocking_pool.hpp"
#include "mail/queue/acceptor.hpp"

namespace layer7::mail::smtp {

namespace {

// The message being received. Its sink is begun at the first write, on the blocking pool; dropped
// before its commit (a refusal, a client gone mid-DATA), it takes its partial file with it.
struct Message {
    std::optional<Envelope> envelope;  // between DATA and the end of the message
    std::unique_ptr<mail::MessageSink> sink;
    std::error_code error;  // a write failed: the commit answers 451

    // Blocking: begins if need be, appends `content`, and with `commit` makes the message durable.
    core::Result<std::string, std::error_code> write(mail::Acceptor& acceptor, std::string_view content, bool commit)
    {
        if (!error && !sink) {
            auto begun = acceptor.begin(*envelope);
            if (begun)
                sink = std::move(*begun);
            else
                error = begun.error();
        }
        if (!error && !content.empty())
            error = sink->append(content);
        if (!commit)
            return std::string();
        core::Result<std::string, std::error_code> id = core::fail(error);
        if (!error)
            id = sink->commit();
        sink.reset();
        envelope.reset();
        return id;
    }
};

// What a step asks of the message: its content written, then the message committed (the step
// becomes on_queued()'s 250 or 451) or dropped.
core::awaitable<void> carry(Step& step, Message& message, ServerSession& session, const ServerContext& context)
{
    if (step.begin_message)
        message = Message{std::move(step.begin_message), nullptr, {}};
    if (step.end == MessageEnd::abort) {
        if (message.sink)
            co_await core::run_blocking(*context.blocking, [&] { message.sink.reset(); });
        message = {};
        co_return;
    }
    if (!message.envelope || (step.content.empty() && step.end != MessageEnd::commit))
        co_return;
    const bool commit = step.end == MessageEnd::commit;
    const auto id = co_await core::run_blocking(*context.blocking,
                                                [&] { return message.write(*context.acceptor, step.content, commit); });
    if (commit)
        step = session.on_queued(id ? std::error_code() : id.error(), id ? *id : std::string());
}

core::awaitable<void> dialogue(core::Stream& stream, const ServerContext& context, const Policy& policy)
{
    Client client;
    client.address = stream.peer().address().to_string();
    client.loopback = stream.peer().address().is_loopback();
    ServerSession session(policy, client);
    core::LineReader reader(stream, context.limits.max_line);
    Message message;
    // Named, not temporaries: GCC 12 double-destroys some temporaries of a co_await expression.
    const std::string greeting = core::to_wire(session.greeting(), reply_syntax);
    if (co_await stream.write(greeting))
        co_return;
    for (;;) {
        const auto wait =
            session.between_commands() ? core::LineReader::Wait::for_command : core::LineReader::Wait::in_message;
        const core::ReadLine line = co_await reader.read_line(wait);
        Step step;
        if (line.status == core::ReadStatus::line)
            step = session.on_line(line.text, line.end);
        else if (line.status == core::ReadStatus::too_long)
            step = session.on_line_too_long();
        else {
            if (line.status == core::ReadStatus::timed_out) {  // RFC 5321 §4.5.3.2: say why, then close
                const Reply timeout{421, "4.4.2 " + policy.hostname + " Error: timeout exceeded"};
                const std::string bye = core::to_wire(timeout, reply_syntax);
                co_await stream.write(bye);
            } else if (stream.draining()) {  // §3.8: a server that must stop says 421
                const Reply stopping{421, "4.3.2 " + policy.hostname + " Service shutting down"};
                const std::string bye = core::to_wire(stopping, reply_syntax);
                co_await stream.write(bye);
            }
            break;
        }
        if (step.begin_message || !step.content.empty() || step.end != MessageEnd::none)
            co_await carry(step, message, session, context);
        if (step.delay.count() > 0) {
            spdlog::warn("smtp: authentication failed from {}", stream.peer_string());
            asio::steady_timer timer(co_await asio::this_coro::executor, step.delay);
            co_await timer.async_wait(core::use_tuple);
        }
        const std::string wire = core::to_wire(step.replies, reply_syntax);
        if (!wire.empty() && co_await stream.write(wire))
            break;
        if (step.next == Next::close)
            break;
        if (step.next == Next::start_tls) {
            reader.discard_buffered();  // CVE-2011-0411: no pipelined plaintext survives the handshake
            if (!context.tls || co_await stream.start_tls_server(*context.tls))
                break;
            session.on_tls_started();
        }
    }
    if (message.sink)  // the client left mid-DATA: nothing of it stays
        co_await core::run_blocking(*context.blocking, [&] { message.sink.reset(); });
}

}  // namespace

core::awaitable<void> serve_connection(core::TcpSocket socket, const ServerContext& context, bool submission)
{
    core::Stream stream(std::move(socket), core::Role::server);
    stream.set_timeout(context.limits.idle_timeout);
    Policy policy = submission ? context.submission : context.relay;
    policy.client_trusted = context.trusted && context.trusted(stream.peer().address());
    co_await dialogue(stream, context, policy);
    co_await stream.shutdown();
}

}  // namespace layer7::mail::smtp
