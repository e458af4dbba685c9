// The SMTP server shell: see server.hpp. Timeouts live here (the stream's watchdog; an idle client
// gets 421 4.4.2); file work runs on the runtime's blocking pool so one fsync never stalls the
// other connections of this worker.
#include "mail/smtp/server.hpp"

#include <spdlog/spdlog.h>

#include "core/net/line_reader.hpp"
#include "core/runtime/blocking_pool.hpp"
#include "mail/delivery/local.hpp"
#include "mail/delivery/route.hpp"
#include "mail/queue/doorbell.hpp"
#include "mail/queue/spool.hpp"
#include "mail/store/system.hpp"

namespace layer7::smtp {

namespace {

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_local(const Config& config, std::string_view domain)
{
    for (const auto& d : config.domains)
        if (d == domain)
            return true;
    return false;
}

struct Accepted {
    std::error_code error;  // 451 when set
    std::string id;         // for "250 2.0.0 Ok: queued as ID"
    bool queued = false;    // in the spool: the delivery agent must be woken
};

// The durable hand-off: delivered or queued, fsync'ed either way, before the 250.
Accepted accept_message(const ServerContext& context, Envelope& envelope)
{
    const std::int64_t now = unix_now();
    bool all_local = true;
    for (const auto& rcpt : envelope.rcpt_to)
        all_local = all_local && is_local(context.config, delivery::domain_of(rcpt));
    if (all_local) {
        // Final delivery now, each copy fsync'ed into new/; only what fails goes to the queue.
        const std::string id = mail::Spool::make_id(now * 1000000);
        std::vector<std::string> retry;
        for (const auto& rcpt : envelope.rcpt_to) {
            const auto ec =
                delivery::deliver_local(*context.system, context.exists, envelope.mail_from, rcpt, envelope.body);
            if (ec) {
                spdlog::warn("smtp {}: to=<{}> local delivery failed ({}); queueing", id, rcpt, ec.message());
                retry.push_back(rcpt);
            }
        }
        spdlog::info("smtp {}: from=<{}> to {} local recipient{}, {} bytes", id, envelope.mail_from,
                     envelope.rcpt_to.size(), envelope.rcpt_to.size() == 1 ? "" : "s", envelope.body.size());
        if (retry.empty())
            return {{}, id, false};
        envelope.rcpt_to = std::move(retry);
    }
    auto stored = context.spool->store(envelope, now);
    if (!stored) {
        spdlog::error("smtp: cannot queue a message from <{}>: {}", envelope.mail_from, stored.error().message());
        return {stored.error(), {}, false};
    }
    spdlog::info("smtp {}: from=<{}> queued for {} recipient{}, {} bytes", *stored, envelope.mail_from,
                 envelope.rcpt_to.size(), envelope.rcpt_to.size() == 1 ? "" : "s", envelope.body.size());
    return {{}, *stored, true};
}

core::awaitable<void> dialogue(core::Stream& stream, const ServerContext& context, const Policy& policy)
{
    Client client;
    client.address = stream.peer().address().to_string();
    client.loopback = stream.peer().address().is_loopback();
    ServerSession session(policy, client);
    core::LineReader reader(stream, context.config.limits.max_line);
    // Named, not temporaries: GCC 12 double-destroys some temporaries of a co_await expression.
    const std::string greeting = core::to_wire(session.greeting(), reply_syntax);
    if (co_await stream.write(greeting))
        co_return;
    for (;;) {
        const auto wait = session.between_commands() ? core::LineReader::Wait::for_command
                                                     : core::LineReader::Wait::in_message;
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
            co_return;
        }
        if (step.to_queue) {
            Envelope& envelope = *step.to_queue;
            const Accepted accepted =
                co_await core::run_blocking(*context.blocking, [&] { return accept_message(context, envelope); });
            if (accepted.queued)  // the spool's agent delivers it now (one that took over at a reload too)
                mail::Doorbell::ring(context.spool->dir(), accepted.id);
            step = session.on_queued(accepted.error, accepted.id);
        }
        if (step.delay.count() > 0) {
            spdlog::warn("smtp: authentication failed from {}", stream.peer_string());
            asio::steady_timer timer(co_await asio::this_coro::executor, step.delay);
            co_await timer.async_wait(core::use_tuple);
        }
        const std::string wire = core::to_wire(step.replies, reply_syntax);
        if (!wire.empty() && co_await stream.write(wire))
            co_return;
        if (step.next == Next::close)
            co_return;
        if (step.next == Next::start_tls) {
            reader.discard_buffered();  // CVE-2011-0411: no pipelined plaintext survives the handshake
            if (!context.tls || co_await stream.start_tls_server(*context.tls))
                co_return;
            session.on_tls_started();
        }
    }
}

}  // namespace

core::awaitable<void> serve_connection(core::TcpSocket socket, const ServerContext& context, bool submission)
{
    core::Stream stream(std::move(socket), core::Role::server);
    stream.set_timeout(context.config.limits.idle_timeout);
    Policy policy = submission ? context.submission : context.relay;
    policy.client_trusted = context.trusted && context.trusted(stream.peer().address());
    co_await dialogue(stream, context, policy);
    co_await stream.shutdown();
}

}  // namespace layer7::smtp
