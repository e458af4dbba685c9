// The delivery agent's policy (pure; agent.cpp performs it). Which queued messages to attempt now
// — at most max_active at once, Postfix qmgr's active window —; where each pending recipient goes
// this attempt; what each outcome makes of a recipient (sent and failed are final, a temporary
// failure leaves it pending with the reason); when to try again (backoff.hpp) and when to give
// up (RFC 5321 §4.5.4.1); and the RFC 3464 bounce for the recipients that failed. Times are
// seconds since the epoch, passed in.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "mail/delivery/backoff.hpp"
#include "mail/delivery/dsn.hpp"
#include "mail/delivery/mx_answer.hpp"
#include "mail/queue/queue_file.hpp"
#include "mail/smtp/client_session.hpp"

namespace layer7::mail::delivery {

struct SchedulerConfig {
    RetryPolicy retry;
    std::size_t max_active = 20;             // messages in flight at once
    std::vector<std::string> local_domains;  // lower case: delivered into the store
};

// Where the pending recipients of a message go this attempt (indices into rcpt_to).
struct Destinations {
    std::vector<std::size_t> local;                          // into the store
    std::map<std::string, std::vector<std::size_t>> remote;  // by domain, relayed
};

// What one try made of one recipient.
struct Outcome {
    mail::RecipientStatus status = mail::RecipientStatus::pending;  // pending: try again later
    std::string detail;  // the reply ("550 5.1.1 User unknown") or our own diagnosis
    std::string remote;  // the MTA that said it ("mx.example.org[192.0.2.1]:25"), "" when none
    bool final() const { return status != mail::RecipientStatus::pending; }
};

// What an MX lookup leaves to do for a domain: hosts to try, best first, or one outcome for all
// of its recipients.
struct MxPlan {
    std::vector<std::string> hosts;
    std::optional<Outcome> all;
};

// The bounce of a finished message. `send` is false when there is none to send: no recipient
// failed, or the message is itself a bounce (null sender: a bounce never bounces).
struct BouncePlan {
    std::vector<FailedRecipient> failed;
    bool send = false;
};

class Scheduler {
public:
    explicit Scheduler(SchedulerConfig config);

    // The queue. Schedules `id` for `when` (0: now), unless it is scheduled or in flight already.
    void add(const std::string& id, std::int64_t when);
    // The messages due at `now`, oldest due first, while fewer than max_active are in flight;
    // they are in flight from here until done().
    std::vector<std::string> start_due(std::int64_t now);
    // An attempt of `id` ended: try it again at `next`, or forget it (nullopt: delivered, bounced,
    // or gone from the spool).
    void done(const std::string& id, std::optional<std::int64_t> next);
    // Every scheduled message is due now (SIGHUP, tests).
    void flush();
    // How long until the next scheduled message falls due, at most a minute (the clock may jump);
    // nullopt when none waits or the window is full (done() makes room, and then a start_due).
    std::optional<std::chrono::seconds> wake_after(std::int64_t now) const;
    std::size_t active() const { return active_; }
    std::size_t scheduled() const { return due_.size(); }

    // One message. Where its pending recipients go.
    Destinations destinations(const mail::QueuedMessage& message, const mail::QueueState& state) const;
    // After an attempt that began at `now`: counts it, fails whatever is still pending once the
    // message is too old, and returns when to try again (also in state.next_attempt), or nullopt
    // when every recipient is decided and the message is finished.
    std::optional<std::int64_t> conclude(mail::QueueState& state, std::int64_t arrival, std::int64_t now) const;
    // When an attempt that went wrong on our side (a bug, a bounce that could not be queued) is tried again.
    std::int64_t soon(std::int64_t now) const { return now + config_.retry.min_backoff.count(); }

private:
    bool is_local(const std::string& domain) const;

    SchedulerConfig config_;
    std::multimap<std::int64_t, std::string> due_;  // next attempt → queue id
    std::set<std::string> known_;                   // scheduled or in flight
    std::size_t active_ = 0;
};

// Records what a try made of `recipient`: a final outcome replaces its state; a pending one keeps
// the recipient pending with the new reason (and the MTA, when one answered).
void record(mail::RecipientState& recipient, const Outcome& outcome);

// A delivery into the recipient's Maildir: done, no such mailbox (permanent), or a disk error (temporary).
Outcome local_outcome(std::error_code ec);
// An MX lookup for `domain` (RFC 5321 §5.1): the hosts in order (`seed` shuffles equal
// preferences); no MX at all means the domain itself; a null MX (RFC 7505) or NXDOMAIN fails the
// domain's recipients, a temporary lookup failure defers them.
MxPlan plan_mx(const std::string& domain, const MxAnswer& answer, std::uint64_t seed);
// A remote server's verdict on one recipient, said by `remote`.
Outcome reply_outcome(const smtp::RecipientResult& result, const std::string& remote);
// After every host of a domain was tried: the recipients still pending that no server spoke
// about get `last` (the last reason a host gave or our diagnosis) as their reason.
void defer_unanswered(mail::QueueState& state, const std::vector<std::size_t>& indices, const std::string& last);

// The DSN entries of a finished message (RFC 3464, RFC 3463 status per recipient): a server's
// reply keeps its code, a message that expired is 4.4.7, our own words go in as the reason.
BouncePlan plan_bounce(const mail::QueuedMessage& message, const mail::QueueState& state);
// The bounce to queue for `plan`: from the null sender to the original sender, built by
// build_bounce(); `unique` names its boundary and Message-ID.
struct BounceMessage {
    mail::Envelope envelope;
    std::string content;
};
BounceMessage bounce_message(const mail::QueuedMessage& message, BouncePlan plan, const std::string& hostname,
                             std::int64_t now, const std::string& unique);

}  // namespace layer7::mail::delivery
