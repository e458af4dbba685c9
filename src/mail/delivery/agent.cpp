// The delivery agent: see agent.hpp.
//
// Theory of operation. This file is the I/O shell; every decision is the Scheduler's (scheduler.hpp).
// One thread runs an io_context that owns the Scheduler and awaits the MX and address lookups
// (dns::Resolver, mx_resolver.hpp); blocking work runs elsewhere: reading and replacing queue files
// and Maildir fsyncs on the runtime's blocking pool (on_disk). kick() starts the messages the
// Scheduler says are due and arms one timer for the next one.
// deliver() makes one attempt for every pending recipient of a message, records each outcome in the
// state file (replaced atomically), and either removes the message (all decided; a bounce is queued
// first when some failed) or reschedules it.
#include "mail/delivery/agent.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/net/resolve.hpp"
#include "core/net/tls.hpp"
#include "core/runtime/blocking_pool.hpp"
#include "mail/delivery/local.hpp"
#include "mail/delivery/mx_resolver.hpp"
#include "mail/delivery/scheduler.hpp"
#include "mail/queue/doorbell.hpp"
#include "mail/queue/spool.hpp"
#include "mail/smtp/client.hpp"
#include "mail/store/system.hpp"

namespace layer7::mail::delivery {
namespace {

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Loaded {
    std::optional<mail::QueuedMessage> message;
    mail::QueueState state;
    std::error_code error;
};

}  // namespace

struct Agent::Impl {
    AgentConfig config;
    mail::Spool& spool;
    const mail::System& system;  // delivers locally and tells IMAP IDLE and web mail
    MailboxExists exists;
    std::shared_ptr<dns::Resolver> resolver;
    std::shared_ptr<asio::ssl::context> tls;

    asio::io_context context{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    core::BlockingPool& disk;
    // The jobs this agent has queued on `disk`: the pool is shared, so stop() cannot join it and
    // waits for these instead (a successor's scan must not race an attempt of ours still writing).
    std::mutex disk_mutex;
    std::condition_variable disk_idle;
    std::size_t disk_jobs = 0;
    asio::steady_timer timer{context};
    std::thread thread;
    std::atomic<bool> stopped{false};
    std::shared_ptr<void> bell;  // this agent's hold on the spool's Doorbell while it runs

    // Touched on the agent's thread only.
    Scheduler scheduler;
    std::uint64_t seed = std::random_device{}();

    Impl(AgentConfig c, mail::Spool& sp, const mail::System& sy, MailboxExists e, std::shared_ptr<dns::Resolver> r,
         core::BlockingPool& d)
        : config(std::move(c)), spool(sp), system(sy), exists(std::move(e)), resolver(std::move(r)), disk(d),
          scheduler({config.retry, config.max_active, config.local_domains})
    {
    }

    // Runs `work` on the disk pool, counted in disk_jobs from before it is queued to its end.
    template <class F>
    core::awaitable<std::invoke_result_t<F&>> on_disk(F work)
    {
        {
            std::lock_guard lock(disk_mutex);
            ++disk_jobs;
        }
        struct Done {
            Impl& d;
            ~Done()
            {
                std::lock_guard lock(d.disk_mutex);
                if (--d.disk_jobs == 0)
                    d.disk_idle.notify_all();
            }
        };
        co_return co_await core::run_blocking(disk, [&] {
            Done done{*this};
            return work();
        });
    }

    void wait_for_disk()
    {
        std::unique_lock lock(disk_mutex);
        disk_idle.wait(lock, [this] { return disk_jobs == 0; });
    }

    void kick()
    {
        if (stopped)
            return;
        const std::int64_t now = unix_now();
        for (const std::string& id : scheduler.start_due(now))
            asio::co_spawn(context, deliver(id), [this, id](std::exception_ptr e, std::optional<std::int64_t> next) {
                if (e)
                    next = scheduler.soon(unix_now());  // a bug; keep the mail
                scheduler.done(id, next);
                kick();
            });
        if (const auto wait = scheduler.wake_after(now)) {
            timer.expires_after(*wait);
            timer.async_wait([this](std::error_code ec) {
                if (!ec)
                    kick();
            });
        }
    }

    core::awaitable<std::optional<std::int64_t>> deliver(std::string id)
    {
        Loaded loaded = co_await on_disk([this, &id] {
            Loaded out;
            auto m = spool.load(id);
            if (!m) {
                out.error = m.error();
                return out;
            }
            auto s = spool.load_state(*m);
            if (!s) {
                out.error = s.error();
                return out;
            }
            out.message = std::move(*m);
            out.state = std::move(*s);
            return out;
        });
        if (!loaded.message) {
            if (loaded.error != std::errc::no_such_file_or_directory)
                spdlog::error("queue {}: cannot read: {}", id, loaded.error.message());
            co_return std::nullopt;  // gone, or unreadable: left for a person to look at
        }
        mail::QueuedMessage& m = *loaded.message;
        mail::QueueState& s = loaded.state;
        const std::int64_t now = unix_now();

        const Destinations to = scheduler.destinations(m, s);
        if (!to.local.empty())
            co_await on_disk([&] {
                for (std::size_t i : to.local)
                    deliver_here(m, s.recipients[i], m.envelope.rcpt_to[i]);
            });
        for (const auto& [domain, indices] : to.remote)
            co_await relay(m, s, domain, indices);

        const std::optional<std::int64_t> next = scheduler.conclude(s, m.arrival, now);
        if (!next)
            co_return co_await finish(m, s);
        const auto ec = co_await on_disk([&] { return spool.save_state(m.id, s); });
        if (ec)
            spdlog::error("queue {}: cannot save state: {}", m.id, ec.message());
        spdlog::info("queue {}: deferred, next attempt in {}s", m.id, *next - now);
        co_return next;
    }

    // Local recipients: straight into the Maildir.
    void deliver_here(const mail::QueuedMessage& m, mail::RecipientState& r, const std::string& rcpt)
    {
        const Outcome outcome = local_outcome(deliver_local(system, exists, m.envelope.mail_from, rcpt, m.content));
        record(r, outcome);
        if (outcome.status == mail::RecipientStatus::sent)
            spdlog::info("queue {}: to=<{}> delivered to maildir", m.id, rcpt);
        else if (!outcome.final())
            spdlog::warn("queue {}: to=<{}> {}", m.id, rcpt, outcome.detail);
    }

    struct Hop {
        std::string name;  // for TLS SNI, logs and Remote-MTA
        core::HostPort address;
    };

    // Remote recipients of one domain: route, then each host in turn until one decides.
    core::awaitable<void> relay(const mail::QueuedMessage& m, mail::QueueState& s, const std::string& domain,
                                const std::vector<std::size_t>& indices)
    {
        std::vector<std::string> names;  // host names to resolve, best first
        std::vector<Hop> hops;           // or fixed addresses (a static route)
        if (auto route = find_route(config.routes, domain)) {
            hops.push_back({route->host, *route});
        } else {
            const MxAnswer mx = co_await lookup_mx(*resolver, domain);
            MxPlan plan = plan_mx(domain, mx, seed++);
            if (plan.all) {
                for (std::size_t i : indices)
                    record(s.recipients[i], *plan.all);
                co_return;
            }
            names = std::move(plan.hosts);
        }
        std::string last = "451 4.4.1 no MX host of " + domain + " answered";
        for (std::size_t h = 0; h < names.size() + hops.size(); ++h) {
            std::vector<Hop> tries;
            if (h < hops.size())
                tries.push_back(hops[h]);
            else {
                const std::string& name = names[h - hops.size()];
                if (core::literal_address(name))
                    tries.push_back({name, {name, config.mx_port}});
                else {
                    const AddressAnswer a = co_await lookup_addresses(*resolver, name);
                    for (const auto& address : a.addresses)
                        tries.push_back({name, {address, config.mx_port}});
                    if (a.addresses.empty())
                        last = "451 4.4.4 cannot resolve MX host " + name;
                }
            }
            for (const Hop& hop : tries) {
                std::vector<std::size_t> pending;
                for (std::size_t i : indices)
                    if (s.recipients[i].status == mail::RecipientStatus::pending)
                        pending.push_back(i);
                if (pending.empty())
                    co_return;
                if (co_await attempt(m, s, pending, hop, last))
                    co_return;  // a server decided: the others are for when it does not answer
            }
        }
        defer_unanswered(s, indices, last);
    }

    // One SMTP session with one host. True when the server decided at least one recipient.
    core::awaitable<bool> attempt(const mail::QueuedMessage& m, mail::QueueState& s,
                                  const std::vector<std::size_t>& pending, const Hop& hop, std::string& last)
    {
        const std::string remote = hop.name + "[" + hop.address.host + "]:" + std::to_string(hop.address.port);
        smtp::Outgoing out{m.envelope.mail_from, {}, m.content, m.envelope.eight_bit_mime, m.envelope.smtputf8};
        for (std::size_t i : pending)
            out.rcpt_to.push_back(m.envelope.rcpt_to[i]);
        smtp::ClientOptions options{config.hostname, config.tls, {}, {}};
        for (int round = 0; round < 2; ++round) {
            auto [ec, socket] = co_await core::connect_tcp(hop.address, config.connect_timeout);
            if (ec) {
                last = "451 4.4.1 connect to " + remote + ": " + ec.message();
                spdlog::info("queue {}: {}", m.id, last);
                co_return false;
            }
            core::Stream stream(std::move(socket), core::Role::client);
            stream.set_timeout(config.command_timeout);
            smtp::ClientSession session(options, out);
            const smtp::ClientRun run = co_await smtp::run_client(stream, session, tls.get(), hop.name);
            co_await stream.shutdown();
            if (run.tls_failed && options.tls == smtp::TlsPolicy::opportunistic) {
                spdlog::warn("queue {}: TLS handshake with {} failed; retrying in plaintext", m.id, remote);
                options.tls = smtp::TlsPolicy::never;  // as Postfix does for opportunistic TLS
                continue;
            }
            bool decided = false;
            for (std::size_t k = 0; k < pending.size(); ++k) {
                const Outcome outcome = reply_outcome(session.results()[k], remote);
                record(s.recipients[pending[k]], outcome);
                decided = decided || outcome.final();
                if (!outcome.final())
                    last = outcome.detail;
                spdlog::info("queue {}: to=<{}> relay={} {}{}", m.id, out.rcpt_to[k], remote,
                             outcome.status == mail::RecipientStatus::sent     ? "sent: "
                             : outcome.status == mail::RecipientStatus::failed ? "bounced: "
                                                                               : "deferred: ",
                             outcome.detail);
            }
            co_return decided;
        }
        co_return false;
    }

    // Every recipient decided: bounce the failures (unless this is a bounce), then forget the message.
    core::awaitable<std::optional<std::int64_t>> finish(const mail::QueuedMessage& m, mail::QueueState& s)
    {
        for (std::size_t i = 0; i < s.recipients.size(); ++i)
            if (s.recipients[i].status == mail::RecipientStatus::failed)
                spdlog::info("queue {}: to=<{}> failed: {}", m.id, m.envelope.rcpt_to[i], s.recipients[i].detail);
        BouncePlan plan = plan_bounce(m, s);
        if (plan.send) {
            const std::string unique = mail::Spool::make_id(std::chrono::duration_cast<std::chrono::microseconds>(
                                                                std::chrono::system_clock::now().time_since_epoch())
                                                                .count());
            const BounceMessage bounce = bounce_message(m, std::move(plan), config.hostname, unix_now(), unique);
            auto stored = co_await on_disk([&] { return spool.store(bounce.envelope, bounce.content, unix_now()); });
            if (!stored) {
                spdlog::error("queue {}: cannot queue the bounce: {}", m.id, stored.error().message());
                const auto ec = co_await on_disk([&] { return spool.save_state(m.id, s); });
                (void)ec;
                co_return scheduler.soon(unix_now());
            }
            spdlog::info("queue {}: bounce queued as {} to <{}>", m.id, *stored, m.envelope.mail_from);
            scheduler.add(*stored, 0);
        } else if (!plan.failed.empty()) {
            spdlog::warn("queue {}: undeliverable bounce discarded", m.id);
        }
        const auto ec = co_await on_disk([&] { return spool.remove(m.id); });
        if (ec)
            spdlog::error("queue {}: cannot remove: {}", m.id, ec.message());
        else
            spdlog::info("queue {}: removed", m.id);
        co_return std::nullopt;
    }
};

Agent::Agent(AgentConfig config, mail::Spool& spool, const mail::System& system, MailboxExists exists,
             std::shared_ptr<dns::Resolver> resolver, core::BlockingPool& disk)
    : impl_(std::make_unique<Impl>(std::move(config), spool, system, std::move(exists), std::move(resolver), disk))
{
    impl_->tls = core::make_client_tls(impl_->config.tls_ca_file, !impl_->config.tls_verify);
}

Agent::~Agent()
{
    stop();
}

void Agent::start()
{
    Impl& d = *impl_;
    // Taking the spool's bell stops an agent already delivering it (a reload's predecessor) before
    // the scan below, so the two never deliver the same message.
    d.bell = mail::Doorbell::listen(d.spool.dir(), {[this](const std::string& id) { wake(id); }, [this] { stop(); }});
    auto ids = d.spool.scan();
    if (ids) {
        for (const auto& id : *ids) {
            std::int64_t when = 0;
            if (auto m = d.spool.load(id))
                if (auto s = d.spool.load_state(*m))
                    when = s->next_attempt;
            d.scheduler.add(id, when);
        }
        if (!ids->empty())
            spdlog::info("queue: {} message{} waiting in {}", ids->size(), ids->size() == 1 ? "" : "s", d.spool.dir());
    }
    d.guard.emplace(d.context.get_executor());
    asio::post(d.context, [&d] { d.kick(); });
    d.thread = std::thread([&d] { d.context.run(); });
}

void Agent::stop()
{
    Impl& d = *impl_;
    if (d.stopped.exchange(true))
        return;
    d.bell.reset();
    if (!d.thread.joinable())
        return;
    asio::post(d.context, [&d] { d.timer.cancel(); });
    d.guard.reset();
    // Attempts in flight are abandoned: their mail is still queued and goes out at the next start.
    d.context.stop();
    d.thread.join();
    d.wait_for_disk();
}

void Agent::wake(const std::string& id)
{
    asio::post(impl_->context, [d = impl_.get(), id] {
        d->scheduler.add(id, 0);
        d->kick();
    });
}

void Agent::flush()
{
    asio::post(impl_->context, [d = impl_.get()] {
        d->scheduler.flush();
        d->kick();
    });
}

}  // namespace layer7::mail::delivery
