// The delivery agent: see agent.hpp.
//
// Theory of operation. One thread runs an io_context that owns the schedule (`due_`: next attempt
// → queue id); blocking work runs elsewhere: reading and replacing queue files and Maildir fsyncs on
// the runtime's blocking pool (on_disk), libresolv's lookups on a small pool of their own, so a slow
// name server never holds the threads the disk needs. kick() starts due messages while fewer than max_active
// are in flight and arms one timer for the next one. deliver() makes one attempt for every pending
// recipient of a message, records each outcome in the state file (replaced atomically), and either
// removes the message (all decided; a bounce is queued first when some failed) or reschedules it.
#include "mail/delivery/agent.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/net/resolve.hpp"
#include "core/net/tls.hpp"
#include "core/runtime/blocking_pool.hpp"
#include "mail/delivery/dsn.hpp"
#include "mail/delivery/local.hpp"
#include "mail/queue/doorbell.hpp"
#include "mail/queue/spool.hpp"
#include "mail/smtp/client.hpp"
#include "mail/store/store.hpp"

namespace layer7::delivery {
namespace {

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string reply_text(const smtp::Reply& reply)
{
    std::string text = std::to_string(reply.code) + " " + reply.text;
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    return text;
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
    mail::Store& store;
    MailboxExists exists;
    std::unique_ptr<MxResolver> resolver;
    std::shared_ptr<asio::ssl::context> tls;

    asio::io_context context{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    core::BlockingPool& disk;
    core::BlockingPool lookups;
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
    std::multimap<std::int64_t, std::string> due;
    std::set<std::string> known;  // scheduled or in flight
    std::size_t active = 0;
    std::uint64_t seed = std::random_device{}();

    Impl(AgentConfig c, mail::Spool& sp, mail::Store& st, MailboxExists e, std::unique_ptr<MxResolver> r,
         core::BlockingPool& d)
        : config(std::move(c)), spool(sp), store(st), exists(std::move(e)), resolver(std::move(r)), disk(d),
          lookups(config.lookup_threads)
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

    bool is_local(const std::string& domain) const
    {
        for (const auto& d : config.local_domains)
            if (d == domain)
                return true;
        return false;
    }

    void schedule(std::int64_t when, const std::string& id)
    {
        if (known.insert(id).second)
            due.emplace(when, id);
    }

    void kick()
    {
        if (stopped)
            return;
        const std::int64_t now = unix_now();
        while (active < config.max_active && !due.empty() && due.begin()->first <= now) {
            std::string id = due.begin()->second;
            due.erase(due.begin());
            ++active;
            asio::co_spawn(context, deliver(id), [this, id](std::exception_ptr e, std::optional<std::int64_t> next) {
                --active;
                if (e)
                    next = unix_now() + config.retry.min_backoff.count();  // a bug; keep the mail
                known.erase(id);
                if (next)
                    schedule(*next, id);
                kick();
            });
        }
        if (!due.empty() && active < config.max_active) {
            const auto wait = std::clamp<std::int64_t>(due.begin()->first - now, 0, 60);
            timer.expires_after(std::chrono::seconds(wait));
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

        std::vector<std::size_t> local;
        std::map<std::string, std::vector<std::size_t>> remote;
        for (std::size_t i = 0; i < m.envelope.rcpt_to.size(); ++i) {
            if (s.recipients[i].status != mail::RecipientStatus::pending)
                continue;
            const std::string domain = domain_of(m.envelope.rcpt_to[i]);
            if (is_local(domain))
                local.push_back(i);
            else
                remote[domain].push_back(i);
        }
        if (!local.empty())
            co_await on_disk([&] {
                for (std::size_t i : local)
                    deliver_here(m, s.recipients[i], m.envelope.rcpt_to[i]);
                return 0;
            });
        for (auto& [domain, indices] : remote)
            co_await relay(m, s, domain, indices);

        ++s.attempts;
        if (!mail::finished(s) && expired(config.retry, m.arrival, now)) {
            for (auto& r : s.recipients)
                if (r.status == mail::RecipientStatus::pending) {
                    r.status = mail::RecipientStatus::failed;
                    r.detail = "expired: " + (r.detail.empty() ? std::string("delivery time expired") : r.detail);
                }
        }
        if (mail::finished(s))
            co_return co_await finish(m, s);
        s.next_attempt = now + retry_delay(config.retry, s.attempts).count();
        const auto ec = co_await on_disk([&] { return spool.save_state(m.id, s); });
        if (ec)
            spdlog::error("queue {}: cannot save state: {}", m.id, ec.message());
        spdlog::info("queue {}: deferred, next attempt in {}s", m.id, s.next_attempt - now);
        co_return s.next_attempt;
    }

    // Local recipients: straight into the Maildir.
    void deliver_here(const mail::QueuedMessage& m, mail::RecipientState& r, const std::string& rcpt)
    {
        const auto ec = deliver_local(store, exists, m.envelope.mail_from, rcpt, m.envelope.body);
        if (!ec) {
            r = {mail::RecipientStatus::sent, "250 2.0.0 delivered to maildir", {}};
            spdlog::info("queue {}: to=<{}> delivered to maildir", m.id, rcpt);
        } else if (ec == std::errc::no_such_file_or_directory) {
            r = {mail::RecipientStatus::failed, "550 5.1.1 mailbox unavailable: user unknown", {}};
        } else {
            r.detail = "451 4.3.0 maildir delivery failed: " + ec.message();
            spdlog::warn("queue {}: to=<{}> {}", m.id, rcpt, r.detail);
        }
    }

    struct Hop {
        std::string name;  // for TLS SNI, logs and Remote-MTA
        core::HostPort address;
    };

    // Remote recipients of one domain: route, then each host in turn until one decides.
    core::awaitable<void> relay(const mail::QueuedMessage& m, mail::QueueState& s, const std::string& domain,
                                const std::vector<std::size_t>& indices)
    {
        auto defer_all = [&](const std::string& detail) {
            for (std::size_t i : indices)
                s.recipients[i].detail = detail;
        };
        auto fail_all = [&](const std::string& detail) {
            for (std::size_t i : indices)
                s.recipients[i] = {mail::RecipientStatus::failed, detail, {}};
        };
        std::vector<std::string> names;  // host names to resolve, best first
        std::vector<Hop> hops;           // or fixed addresses (a static route)
        if (auto route = find_route(config.routes, domain)) {
            hops.push_back({route->host, *route});
        } else {
            const MxAnswer mx = co_await core::run_blocking(lookups, [&] { return resolver->mx(domain); });
            if (mx.status == LookupStatus::ok && is_null_mx(mx.hosts)) {
                fail_all("556 5.1.10 " + domain + " accepts no mail (null MX, RFC 7505)");
                co_return;
            }
            if (mx.status == LookupStatus::ok)
                names = order_mx(mx.hosts, seed++);
            else if (mx.status == LookupStatus::no_data)
                names = {domain};  // RFC 5321 §5.1: the implicit MX is the domain itself
            else if (mx.status == LookupStatus::no_domain) {
                fail_all("550 5.1.2 host or domain name not found: " + domain);
                co_return;
            } else {
                defer_all("451 4.4.3 MX lookup for " + domain + " failed temporarily");
                co_return;
            }
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
                    const AddressAnswer a =
                        co_await core::run_blocking(lookups, [&] { return resolver->addresses(name); });
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
        for (std::size_t i : indices)
            if (s.recipients[i].status == mail::RecipientStatus::pending && s.recipients[i].detail.empty())
                s.recipients[i].detail = last;
    }

    // One SMTP session with one host. True when the server decided at least one recipient.
    core::awaitable<bool> attempt(const mail::QueuedMessage& m, mail::QueueState& s,
                                  const std::vector<std::size_t>& pending, const Hop& hop, std::string& last)
    {
        const std::string remote = hop.name + "[" + hop.address.host + "]:" + std::to_string(hop.address.port);
        smtp::Outgoing out{m.envelope.mail_from, {}, m.envelope.body, m.envelope.eight_bit_mime,
                           m.envelope.smtputf8};
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
                const smtp::RecipientResult& r = session.results()[k];
                mail::RecipientState& state = s.recipients[pending[k]];
                const std::string text = reply_text(r.reply);
                if (r.verdict == smtp::Verdict::sent) {
                    state = {mail::RecipientStatus::sent, text, remote};
                    decided = true;
                } else if (r.verdict == smtp::Verdict::permanent) {
                    state = {mail::RecipientStatus::failed, text, remote};
                    decided = true;
                } else {
                    state.detail = text;
                    state.remote = remote;
                    last = text;
                }
                spdlog::info("queue {}: to=<{}> relay={} {}{}", m.id, out.rcpt_to[k], remote,
                             r.verdict == smtp::Verdict::sent        ? "sent: "
                             : r.verdict == smtp::Verdict::permanent ? "bounced: "
                                                                     : "deferred: ",
                             text);
            }
            co_return decided;
        }
        co_return false;
    }

    // Every recipient decided: bounce the failures (unless this is a bounce), then forget the message.
    core::awaitable<std::optional<std::int64_t>> finish(const mail::QueuedMessage& m, mail::QueueState& s)
    {
        Bounce bounce;
        for (std::size_t i = 0; i < s.recipients.size(); ++i) {
            const mail::RecipientState& r = s.recipients[i];
            if (r.status != mail::RecipientStatus::failed)
                continue;
            FailedRecipient f;
            f.address = m.envelope.rcpt_to[i];
            std::string_view detail = r.detail;
            const bool expired_now = detail.substr(0, 9) == "expired: ";
            if (expired_now)
                detail.remove_prefix(9);
            const int code = detail.size() >= 3 ? std::atoi(std::string(detail.substr(0, 3)).c_str()) : 0;
            if (code >= 200 && code < 600) {
                f.status = expired_now ? "4.4.7" : status_of(code, detail.size() > 4 ? detail.substr(4) : "");
                if (!r.remote.empty())
                    f.diagnostic = std::string(detail);
                else
                    f.reason = std::string(detail);
            } else {
                f.status = "4.4.7";
                f.reason = std::string(detail);
            }
            f.remote_mta = r.remote;
            bounce.recipients.push_back(std::move(f));
            spdlog::info("queue {}: to=<{}> failed: {}", m.id, m.envelope.rcpt_to[i], r.detail);
        }
        if (!bounce.recipients.empty() && !m.envelope.mail_from.empty()) {
            bounce.reporting_mta = config.hostname;
            bounce.original_sender = m.envelope.mail_from;
            bounce.queue_id = m.id;
            bounce.arrival = std::chrono::sys_seconds(std::chrono::seconds(m.arrival));
            bounce.now = std::chrono::sys_seconds(std::chrono::seconds(unix_now()));
            bounce.original = m.envelope.body;
            bounce.unique = mail::Spool::make_id(
                std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                    .count());
            smtp::Envelope envelope;
            envelope.mail_from = "";  // the null sender: a bounce never bounces
            envelope.rcpt_to = {m.envelope.mail_from};
            envelope.helo = config.hostname;
            envelope.client_address = "127.0.0.1";
            envelope.protocol = "local";
            envelope.body = build_bounce(bounce);
            auto stored = co_await on_disk([&] { return spool.store(envelope, unix_now()); });
            if (!stored) {
                spdlog::error("queue {}: cannot queue the bounce: {}", m.id, stored.error().message());
                const auto ec = co_await on_disk([&] { return spool.save_state(m.id, s); });
                (void)ec;
                co_return unix_now() + config.retry.min_backoff.count();
            }
            spdlog::info("queue {}: bounce queued as {} to <{}>", m.id, *stored, m.envelope.mail_from);
            schedule(0, *stored);
        } else if (!bounce.recipients.empty()) {
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

Agent::Agent(AgentConfig config, mail::Spool& spool, mail::Store& store, MailboxExists exists,
             std::unique_ptr<MxResolver> resolver, core::BlockingPool& disk)
    : impl_(std::make_unique<Impl>(std::move(config), spool, store, std::move(exists), std::move(resolver), disk))
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
            d.schedule(when, id);
        }
        if (!ids->empty())
            spdlog::info("queue: {} message{} waiting in {}", ids->size(), ids->size() == 1 ? "" : "s",
                         d.spool.dir());
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
    d.lookups.join();
}

void Agent::wake(const std::string& id)
{
    asio::post(impl_->context, [d = impl_.get(), id] {
        d->schedule(0, id);
        d->kick();
    });
}

void Agent::flush()
{
    asio::post(impl_->context, [d = impl_.get()] {
        std::multimap<std::int64_t, std::string> now;
        for (auto& [when, id] : d->due)
            now.emplace(0, id);
        d->due = std::move(now);
        d->kick();
    });
}

}  // namespace layer7::delivery
