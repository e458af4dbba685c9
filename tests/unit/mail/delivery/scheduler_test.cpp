// The delivery agent's policy without the agent: the active window, where recipients go, what
// outcomes make of them, back-off and expiry, and the bounce's per-recipient DSN fields.
#include <gtest/gtest.h>

#include "mail/delivery/scheduler.hpp"
#include "mail/message/header.hpp"

namespace layer7::mail::delivery {
namespace {

using mail::RecipientStatus;
using std::chrono::seconds;

constexpr std::int64_t t0 = 1700000000;

SchedulerConfig config(std::size_t max_active = 2)
{
    SchedulerConfig c;
    c.retry = {seconds(300), seconds(4000), seconds(5 * 24 * 3600)};
    c.max_active = max_active;
    c.local_domains = {"crepes.fr"};
    return c;
}

mail::QueuedMessage message(std::vector<std::string> rcpt, std::string from = "alice@crepes.fr")
{
    mail::QueuedMessage m;
    m.id = "Q1";
    m.arrival = t0;
    m.envelope.mail_from = std::move(from);
    m.envelope.rcpt_to = std::move(rcpt);
    m.content = "From: alice@crepes.fr\r\nSubject: ketchup\r\n\r\nDo you like ketchup?\r\n";
    return m;
}

mail::QueueState pending(std::size_t n)
{
    mail::QueueState s;
    s.recipients.resize(n);
    return s;
}

smtp::RecipientResult result(smtp::Verdict verdict, int code, std::string text)
{
    smtp::RecipientResult r;
    r.verdict = verdict;
    r.reply = {code, std::move(text)};
    return r;
}

// ---------------------------------------------------------------- the queue

TEST(Scheduler, StartsDueMessagesInOrderUpToTheWindow)
{
    Scheduler s(config(2));
    s.add("B", t0 + 10);
    s.add("A", t0);
    s.add("C", t0 + 5);
    s.add("LATER", t0 + 100);
    EXPECT_EQ(s.start_due(t0 + 10), (std::vector<std::string>{"A", "C"}));  // the window holds two
    EXPECT_EQ(s.active(), 2u);
    EXPECT_TRUE(s.start_due(t0 + 10).empty());
    EXPECT_FALSE(s.wake_after(t0 + 10));  // full: the next done() makes room, no timer needed
    s.done("A", std::nullopt);
    EXPECT_EQ(s.start_due(t0 + 10), (std::vector<std::string>{"B"}));
    s.done("C", std::nullopt);
    EXPECT_TRUE(s.start_due(t0 + 10).empty());  // LATER is not due
    EXPECT_EQ(s.wake_after(t0 + 50), seconds(50));
}

TEST(Scheduler, AMessageIsScheduledOnceAndNotWhileInFlight)
{
    Scheduler s(config(5));
    s.add("A", t0 + 50);
    s.add("A", t0);  // already scheduled: the first time stands
    EXPECT_EQ(s.scheduled(), 1u);
    EXPECT_TRUE(s.start_due(t0).empty());
    EXPECT_EQ(s.start_due(t0 + 50), (std::vector<std::string>{"A"}));
    s.add("A", t0);  // a doorbell for a message in flight: ignored
    EXPECT_EQ(s.scheduled(), 0u);
    s.done("A", t0 + 400);  // deferred: back in the schedule
    EXPECT_EQ(s.scheduled(), 1u);
    EXPECT_EQ(s.start_due(t0 + 400), (std::vector<std::string>{"A"}));
}

TEST(Scheduler, WakesWithinAMinuteAndAtOnceWhenLate)
{
    Scheduler s(config());
    EXPECT_FALSE(s.wake_after(t0));  // nothing scheduled
    s.add("A", t0 + 3600);
    EXPECT_EQ(s.wake_after(t0), seconds(60));  // the clock may jump: look again within a minute
    EXPECT_EQ(s.wake_after(t0 + 3590), seconds(10));
    EXPECT_EQ(s.wake_after(t0 + 4000), seconds(0));
}

TEST(Scheduler, FlushMakesEverythingDueKeepingTheOrder)
{
    Scheduler s(config(10));
    s.add("A", t0 + 100);
    s.add("B", t0 + 200);
    s.flush();
    EXPECT_EQ(s.start_due(0), (std::vector<std::string>{"A", "B"}));
}

TEST(Scheduler, RetriesSoonAfterAnErrorOfOurOwn)
{
    EXPECT_EQ(Scheduler(config()).soon(t0), t0 + 300);
}

// ---------------------------------------------------------------- one message

TEST(Scheduler, PendingRecipientsGoLocalOrByDomain)
{
    Scheduler s(config());
    auto m = message({"bob@crepes.fr", "x@hamburger.edu", "y@Hamburger.EDU", "z@example.org", "done@example.org"});
    auto st = pending(5);
    st.recipients[4].status = RecipientStatus::sent;
    const Destinations to = s.destinations(m, st);
    EXPECT_EQ(to.local, (std::vector<std::size_t>{0}));
    ASSERT_EQ(to.remote.size(), 2u);
    EXPECT_EQ(to.remote.at("hamburger.edu"), (std::vector<std::size_t>{1, 2}));
    EXPECT_EQ(to.remote.at("example.org"), (std::vector<std::size_t>{3}));
}

TEST(Scheduler, BacksOffExponentiallyWhileRecipientsArePending)
{
    Scheduler s(config());
    auto st = pending(1);
    EXPECT_EQ(s.conclude(st, t0, t0), t0 + 300);
    EXPECT_EQ(st.attempts, 1u);
    EXPECT_EQ(st.next_attempt, t0 + 300);
    EXPECT_EQ(s.conclude(st, t0, t0 + 300), t0 + 300 + 600);
    EXPECT_EQ(s.conclude(st, t0, t0 + 900), t0 + 900 + 1200);
    EXPECT_EQ(st.recipients[0].status, RecipientStatus::pending);
}

TEST(Scheduler, FinishedWhenEveryRecipientIsDecided)
{
    Scheduler s(config());
    auto st = pending(2);
    st.recipients[0].status = RecipientStatus::sent;
    st.recipients[1].status = RecipientStatus::failed;
    EXPECT_FALSE(s.conclude(st, t0, t0));
    EXPECT_EQ(st.attempts, 1u);
}

TEST(Scheduler, GivesUpAtTheMaximumAge)
{
    Scheduler s(config());
    auto st = pending(3);
    st.recipients[0].detail = "451 4.4.1 connect to mx: Connection refused";
    st.recipients[2].status = RecipientStatus::sent;
    const std::int64_t max_age = 5 * 24 * 3600;
    EXPECT_TRUE(s.conclude(st, t0, t0 + max_age - 1));  // one second short: tried again
    EXPECT_FALSE(s.conclude(st, t0, t0 + max_age));
    EXPECT_EQ(st.recipients[0].status, RecipientStatus::failed);
    EXPECT_EQ(st.recipients[0].detail, "expired: 451 4.4.1 connect to mx: Connection refused");
    EXPECT_EQ(st.recipients[1].detail, "expired: delivery time expired");
    EXPECT_EQ(st.recipients[2].status, RecipientStatus::sent);  // decided ones stay as they were
}

TEST(Scheduler, LocalDeliveryOutcomes)
{
    auto sent = local_outcome({});
    EXPECT_EQ(sent.status, RecipientStatus::sent);
    auto unknown = local_outcome(std::make_error_code(std::errc::no_such_file_or_directory));
    EXPECT_EQ(unknown.status, RecipientStatus::failed);
    EXPECT_EQ(unknown.detail, "550 5.1.1 mailbox unavailable: user unknown");
    auto full = local_outcome(std::make_error_code(std::errc::no_space_on_device));
    EXPECT_EQ(full.status, RecipientStatus::pending);
    EXPECT_TRUE(full.detail.starts_with("451 4.3.0 maildir delivery failed: "));
}

TEST(Scheduler, MxAnswersBecomeHostsOrAVerdictForTheDomain)
{
    MxAnswer mx{LookupStatus::ok, {{20, "b.example.org"}, {10, "a.example.org"}}};
    auto plan = plan_mx("example.org", mx, 1);
    EXPECT_EQ(plan.hosts, (std::vector<std::string>{"a.example.org", "b.example.org"}));
    EXPECT_FALSE(plan.all);

    plan = plan_mx("example.org", {LookupStatus::no_data, {}}, 1);  // RFC 5321 §5.1: implicit MX
    EXPECT_EQ(plan.hosts, (std::vector<std::string>{"example.org"}));

    plan = plan_mx("example.org", {LookupStatus::ok, {{0, ""}}}, 1);  // RFC 7505 null MX
    ASSERT_TRUE(plan.all);
    EXPECT_EQ(plan.all->status, RecipientStatus::failed);
    EXPECT_TRUE(plan.all->detail.starts_with("556 5.1.10 "));

    plan = plan_mx("example.org", {LookupStatus::no_domain, {}}, 1);
    ASSERT_TRUE(plan.all);
    EXPECT_EQ(plan.all->status, RecipientStatus::failed);
    EXPECT_EQ(plan.all->detail, "550 5.1.2 host or domain name not found: example.org");

    plan = plan_mx("example.org", {LookupStatus::temporary, {}}, 1);
    ASSERT_TRUE(plan.all);
    EXPECT_EQ(plan.all->status, RecipientStatus::pending);
    EXPECT_EQ(plan.all->detail, "451 4.4.3 MX lookup for example.org failed temporarily");
}

TEST(Scheduler, RepliesAreFinalOrKeepTheRecipientPending)
{
    const std::string mx = "mx.example.org[192.0.2.1]:25";
    mail::RecipientState r;
    record(r, reply_outcome(result(smtp::Verdict::temporary, 451, "4.7.1 greylisted\nsee you"), mx));
    EXPECT_EQ(r.status, RecipientStatus::pending);
    EXPECT_EQ(r.detail, "451 4.7.1 greylisted see you");  // one line in the state file
    EXPECT_EQ(r.remote, mx);

    record(r, local_outcome(std::make_error_code(std::errc::io_error)));  // a reason without an MTA
    EXPECT_EQ(r.remote, mx);                                              // the last MTA that spoke is kept

    record(r, reply_outcome(result(smtp::Verdict::permanent, 550, "5.1.1 User unknown"), mx));
    EXPECT_EQ(r.status, RecipientStatus::failed);
    EXPECT_EQ(r.detail, "550 5.1.1 User unknown");

    mail::RecipientState ok;
    record(ok, reply_outcome(result(smtp::Verdict::sent, 250, "2.0.0 Ok"), mx));
    EXPECT_EQ(ok.status, RecipientStatus::sent);
    EXPECT_TRUE(reply_outcome(result(smtp::Verdict::sent, 250, "Ok"), mx).final());
    EXPECT_FALSE(reply_outcome(result(smtp::Verdict::temporary, 421, "bye"), mx).final());
}

TEST(Scheduler, UnansweredRecipientsGetTheLastReason)
{
    auto st = pending(3);
    st.recipients[1].detail = "451 4.7.1 greylisted";
    st.recipients[2].status = RecipientStatus::sent;
    defer_unanswered(st, {0, 1, 2}, "451 4.4.1 no MX host of example.org answered");
    EXPECT_EQ(st.recipients[0].detail, "451 4.4.1 no MX host of example.org answered");
    EXPECT_EQ(st.recipients[1].detail, "451 4.7.1 greylisted");  // a server's own words win
    EXPECT_EQ(st.recipients[2].detail, "");
}

// ---------------------------------------------------------------- the bounce

TEST(Scheduler, BounceStatusPerRecipient)
{
    auto m = message({"a@x.org", "b@x.org", "c@x.org", "d@x.org", "e@x.org"});
    auto st = pending(5);
    st.recipients[0] = {RecipientStatus::failed, "550 5.1.1 User unknown", "mx.x.org[192.0.2.1]:25"};
    st.recipients[1] = {RecipientStatus::failed, "550 5.1.1 mailbox unavailable: user unknown", ""};
    st.recipients[2] = {RecipientStatus::failed, "expired: 451 4.7.1 greylisted", "mx.x.org[192.0.2.1]:25"};
    st.recipients[3] = {RecipientStatus::failed, "expired: delivery time expired", ""};
    st.recipients[4] = {RecipientStatus::sent, "250 2.0.0 Ok", "mx.x.org[192.0.2.1]:25"};
    const BouncePlan plan = plan_bounce(m, st);
    EXPECT_TRUE(plan.send);
    ASSERT_EQ(plan.failed.size(), 4u);  // the one sent is not in the report

    EXPECT_EQ(plan.failed[0].address, "a@x.org");
    EXPECT_EQ(plan.failed[0].status, "5.1.1");  // permanent: the server's own code
    EXPECT_EQ(plan.failed[0].diagnostic, "550 5.1.1 User unknown");
    EXPECT_EQ(plan.failed[0].remote_mta, "mx.x.org[192.0.2.1]:25");

    EXPECT_EQ(plan.failed[1].status, "5.1.1");  // our own words: a reason, not a diagnostic
    EXPECT_EQ(plan.failed[1].diagnostic, "");
    EXPECT_EQ(plan.failed[1].reason, "550 5.1.1 mailbox unavailable: user unknown");

    EXPECT_EQ(plan.failed[2].status, "4.4.7");  // temporary until it expired
    EXPECT_EQ(plan.failed[2].diagnostic, "451 4.7.1 greylisted");

    EXPECT_EQ(plan.failed[3].status, "4.4.7");
    EXPECT_EQ(plan.failed[3].reason, "delivery time expired");
}

TEST(Scheduler, NoBounceWithoutFailuresOrToTheNullSender)
{
    auto st = pending(1);
    st.recipients[0] = {RecipientStatus::sent, "250 Ok", ""};
    EXPECT_FALSE(plan_bounce(message({"a@x.org"}), st).send);

    st.recipients[0] = {RecipientStatus::failed, "550 5.1.1 User unknown", "mx"};
    auto bounce = plan_bounce(message({"a@x.org"}, ""), st);
    EXPECT_FALSE(bounce.send);            // a bounce never bounces
    EXPECT_EQ(bounce.failed.size(), 1u);  // but its failure is still there to log
}

TEST(Scheduler, TheBounceGoesFromTheNullSenderToTheOriginalSender)
{
    auto m = message({"a@x.org"});
    auto st = pending(1);
    st.recipients[0] = {RecipientStatus::failed, "550 5.1.1 User unknown", "mx.x.org[192.0.2.1]:25"};
    const BounceMessage bounce = bounce_message(m, plan_bounce(m, st), "mail.crepes.fr", t0 + 60, "0001");
    const mail::Envelope& e = bounce.envelope;
    EXPECT_EQ(e.mail_from, "");
    EXPECT_EQ(e.rcpt_to, (std::vector<std::string>{"alice@crepes.fr"}));
    EXPECT_EQ(e.helo, "mail.crepes.fr");
    EXPECT_EQ(e.protocol, "local");
    auto head = mail::parse_header(bounce.content);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->header.get("To"), "<alice@crepes.fr>");
    EXPECT_NE(bounce.content.find("Final-Recipient: rfc822; a@x.org\r\n"), std::string::npos);
    EXPECT_NE(bounce.content.find("Status: 5.1.1\r\n"), std::string::npos);
    EXPECT_NE(bounce.content.find("X-Layer7-Queue-ID: Q1\r\n"), std::string::npos);
}

}  // namespace
}  // namespace layer7::mail::delivery
