// The delivery agent's policy: see scheduler.hpp.
#include "mail/delivery/scheduler.hpp"

#include <algorithm>
#include <cstdlib>

#include "mail/delivery/route.hpp"

namespace layer7::mail::delivery {

namespace {

// "expired: " marks a recipient failed by age; the reason follows (the last one a try gave).
constexpr std::string_view expired_mark = "expired: ";

// A reply on one line, for the queue's state file and the bounce.
std::string reply_text(const smtp::Reply& reply)
{
    std::string text = std::to_string(reply.code) + " " + reply.text;
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    return text;
}

}  // namespace

Scheduler::Scheduler(SchedulerConfig config) : config_(std::move(config)) {}

void Scheduler::add(const std::string& id, std::int64_t when)
{
    if (known_.insert(id).second)
        due_.emplace(when, id);
}

std::vector<std::string> Scheduler::start_due(std::int64_t now)
{
    std::vector<std::string> started;
    while (active_ < config_.max_active && !due_.empty() && due_.begin()->first <= now) {
        started.push_back(std::move(due_.begin()->second));
        due_.erase(due_.begin());
        ++active_;
    }
    return started;
}

void Scheduler::done(const std::string& id, std::optional<std::int64_t> next)
{
    --active_;
    known_.erase(id);
    if (next)
        add(id, *next);
}

void Scheduler::flush()
{
    std::multimap<std::int64_t, std::string> now;
    for (auto& [when, id] : due_)
        now.emplace(0, std::move(id));
    due_ = std::move(now);
}

std::optional<std::chrono::seconds> Scheduler::wake_after(std::int64_t now) const
{
    if (due_.empty() || active_ >= config_.max_active)
        return std::nullopt;
    return std::chrono::seconds(std::clamp<std::int64_t>(due_.begin()->first - now, 0, 60));
}

bool Scheduler::is_local(const std::string& domain) const
{
    return std::find(config_.local_domains.begin(), config_.local_domains.end(), domain) != config_.local_domains.end();
}

Destinations Scheduler::destinations(const mail::QueuedMessage& m, const mail::QueueState& s) const
{
    Destinations to;
    for (std::size_t i = 0; i < m.envelope.rcpt_to.size(); ++i) {
        if (s.recipients[i].status != mail::RecipientStatus::pending)
            continue;
        const std::string domain = domain_of(m.envelope.rcpt_to[i]);
        if (is_local(domain))
            to.local.push_back(i);
        else
            to.remote[domain].push_back(i);
    }
    return to;
}

std::optional<std::int64_t> Scheduler::conclude(mail::QueueState& s, std::int64_t arrival, std::int64_t now) const
{
    ++s.attempts;
    if (!mail::finished(s) && expired(config_.retry, arrival, now)) {
        for (auto& r : s.recipients)
            if (r.status == mail::RecipientStatus::pending) {
                r.status = mail::RecipientStatus::failed;
                r.detail =
                    std::string(expired_mark) + (r.detail.empty() ? std::string("delivery time expired") : r.detail);
            }
    }
    if (mail::finished(s))
        return std::nullopt;
    s.next_attempt = now + retry_delay(config_.retry, s.attempts).count();
    return s.next_attempt;
}

void record(mail::RecipientState& r, const Outcome& o)
{
    if (o.final()) {
        r = {o.status, o.detail, o.remote};
        return;
    }
    r.detail = o.detail;
    if (!o.remote.empty())
        r.remote = o.remote;
}

Outcome local_outcome(std::error_code ec)
{
    if (!ec)
        return {mail::RecipientStatus::sent, "250 2.0.0 delivered to maildir", {}};
    if (ec == std::errc::no_such_file_or_directory)
        return {mail::RecipientStatus::failed, "550 5.1.1 mailbox unavailable: user unknown", {}};
    return {mail::RecipientStatus::pending, "451 4.3.0 maildir delivery failed: " + ec.message(), {}};
}

MxPlan plan_mx(const std::string& domain, const MxAnswer& answer, std::uint64_t seed)
{
    using mail::RecipientStatus;
    switch (answer.status) {
    case LookupStatus::ok:
        if (is_null_mx(answer.hosts))
            return {
                {},
                Outcome{RecipientStatus::failed, "556 5.1.10 " + domain + " accepts no mail (null MX, RFC 7505)", {}}};
        return {order_mx(answer.hosts, seed), std::nullopt};
    case LookupStatus::no_data: return {{domain}, std::nullopt};  // §5.1: the implicit MX is the domain itself
    case LookupStatus::no_domain:
        return {{}, Outcome{RecipientStatus::failed, "550 5.1.2 host or domain name not found: " + domain, {}}};
    case LookupStatus::temporary: break;
    }
    return {{}, Outcome{RecipientStatus::pending, "451 4.4.3 MX lookup for " + domain + " failed temporarily", {}}};
}

Outcome reply_outcome(const smtp::RecipientResult& result, const std::string& remote)
{
    const mail::RecipientStatus status = result.verdict == smtp::Verdict::sent        ? mail::RecipientStatus::sent
                                         : result.verdict == smtp::Verdict::permanent ? mail::RecipientStatus::failed
                                                                                      : mail::RecipientStatus::pending;
    return {status, reply_text(result.reply), remote};
}

void defer_unanswered(mail::QueueState& s, const std::vector<std::size_t>& indices, const std::string& last)
{
    for (std::size_t i : indices)
        if (s.recipients[i].status == mail::RecipientStatus::pending && s.recipients[i].detail.empty())
            s.recipients[i].detail = last;
}

BouncePlan plan_bounce(const mail::QueuedMessage& m, const mail::QueueState& s)
{
    BouncePlan plan;
    for (std::size_t i = 0; i < s.recipients.size(); ++i) {
        const mail::RecipientState& r = s.recipients[i];
        if (r.status != mail::RecipientStatus::failed)
            continue;
        FailedRecipient f;
        f.address = m.envelope.rcpt_to[i];
        std::string_view detail = r.detail;
        const bool expired_now = detail.starts_with(expired_mark);
        if (expired_now)
            detail.remove_prefix(expired_mark.size());
        const int code = detail.size() >= 3 ? std::atoi(std::string(detail.substr(0, 3)).c_str()) : 0;
        if (code >= 200 && code < 600) {
            // A temporary reply that outlived the message is reported as 4.4.7 (RFC 3463 §3.5).
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
        plan.failed.push_back(std::move(f));
    }
    plan.send = !plan.failed.empty() && !m.envelope.mail_from.empty();
    return plan;
}

BounceMessage bounce_message(const mail::QueuedMessage& m, BouncePlan plan, const std::string& hostname,
                             std::int64_t now, const std::string& unique)
{
    Bounce bounce;
    bounce.reporting_mta = hostname;
    bounce.original_sender = m.envelope.mail_from;
    bounce.queue_id = m.id;
    bounce.arrival = std::chrono::sys_seconds(std::chrono::seconds(m.arrival));
    bounce.now = std::chrono::sys_seconds(std::chrono::seconds(now));
    bounce.recipients = std::move(plan.failed);
    bounce.original = m.content;
    bounce.unique = unique;
    BounceMessage out;
    mail::Envelope& envelope = out.envelope;
    envelope.mail_from = "";  // the null sender: a bounce never bounces
    envelope.rcpt_to = {m.envelope.mail_from};
    envelope.helo = hostname;
    envelope.client_address = "127.0.0.1";
    envelope.protocol = "local";
    out.content = build_bounce(bounce);
    return out;
}

}  // namespace layer7::mail::delivery
