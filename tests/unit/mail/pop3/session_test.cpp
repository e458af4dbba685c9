// pop3::Session through its API: the actions it requests, delays, limits at N-1/N/N+1, and calls
// in the wrong order. Dialogues live in transcripts/ (transcript_test.cpp).
#include <gtest/gtest.h>

#include "mail/pop3/session.hpp"

namespace layer7::mail::pop3 {
namespace {

Policy policy_with_bob()
{
    Policy p;
    p.check_credentials = [](std::string_view u, std::string_view pw) { return u == "bob" && pw == "hungry"; };
    return p;
}

Session logged_in(const Policy& p, std::vector<MessageInfo> messages)
{
    Session s(p, Client{.loopback = true});
    EXPECT_EQ(s.on_line("USER bob").action, Action::read_line);
    Step step = s.on_line("PASS hungry");
    EXPECT_EQ(step.action, Action::open_mailbox);
    EXPECT_EQ(step.user, "bob");
    EXPECT_TRUE(step.wire.empty());
    step = s.on_mailbox(OpenResult::ok, std::move(messages));
    EXPECT_EQ(step.wire.substr(0, 3), "+OK");
    EXPECT_EQ(s.state(), State::transaction);
    return s;
}

TEST(Pop3Session, Greeting)
{
    Policy p;
    EXPECT_EQ(Session(p).greeting(), "+OK POP3 server ready\r\n");
}

TEST(Pop3Session, PasswordMayContainSpaces)
{
    Policy p;
    p.check_credentials = [](std::string_view, std::string_view pw) { return pw == "two words "; };
    Session s(p, Client{.loopback = true});
    s.on_line("USER bob");
    EXPECT_EQ(s.on_line("PASS two words ").action, Action::open_mailbox);
}

TEST(Pop3Session, VerbsAreCaseInsensitive)
{
    const Policy p = policy_with_bob();
    Session s(p, Client{.loopback = true});
    EXPECT_EQ(s.on_line("uSeR bob").wire.substr(0, 3), "+OK");
    EXPECT_EQ(s.on_line("pAsS hungry").action, Action::open_mailbox);
}

TEST(Pop3Session, FailureDelaysDoubleAndTheLimitCloses)
{
    for (std::size_t limit : {1u, 2u, 3u, 4u}) {
        Policy p = policy_with_bob();
        p.max_auth_failures = limit;
        p.auth_failure_delay = std::chrono::milliseconds(100);
        Session s(p, Client{.loopback = true});
        for (std::size_t i = 1; i <= limit; ++i) {
            s.on_line("USER bob");
            Step step = s.on_line("PASS nope");
            EXPECT_EQ(step.delay.count(), 100 << (i - 1));
            EXPECT_EQ(step.action, i == limit ? Action::close : Action::read_line) << limit << " " << i;
        }
        EXPECT_EQ(s.state(), State::closed);
        EXPECT_EQ(s.on_line("USER bob").action, Action::close);  // nothing after close
    }
}

TEST(Pop3Session, SuccessAfterFailuresBelowTheLimit)
{
    Policy p = policy_with_bob();
    p.max_auth_failures = 3;
    Session s(p, Client{.loopback = true});
    for (int i = 0; i < 2; ++i) {
        s.on_line("USER bob");
        EXPECT_EQ(s.on_line("PASS nope").action, Action::read_line);
    }
    s.on_line("USER bob");
    EXPECT_EQ(s.on_line("PASS hungry").action, Action::open_mailbox);
}

TEST(Pop3Session, MaxErrorsAtLimit)
{
    for (std::size_t limit : {1u, 2u, 5u}) {
        Policy p;
        p.max_errors = limit;
        Session s(p);
        for (std::size_t i = 1; i < limit; ++i)
            EXPECT_EQ(s.on_line("BOGUS").action, Action::read_line);
        EXPECT_EQ(s.on_line_too_long().action, Action::close);
    }
}

// Found by the fuzzer: once closed, a session says nothing more, whatever the shell feeds it.
TEST(Pop3Session, ClosedSessionIgnoresAnOverlongLine)
{
    Policy p = policy_with_bob();
    p.max_auth_failures = 1;
    Session s(p, Client{.loopback = true});
    s.on_line("USER bob");
    EXPECT_EQ(s.on_line("PASS z").action, Action::close);
    const Step late = s.on_line_too_long();
    EXPECT_TRUE(late.wire.empty());
    EXPECT_EQ(late.action, Action::close);
}

TEST(Pop3Session, NoCredentialCheckMeansNoLogin)
{
    Policy p;  // check_credentials unset
    Session s(p, Client{.loopback = true});
    s.on_line("USER bob");
    EXPECT_EQ(s.on_line("PASS x").wire.substr(0, 4), "-ERR");
}

TEST(Pop3Session, ImplicitTlsAllowsPlaintextAuthAndHidesStls)
{
    Policy p = policy_with_bob();
    p.tls_available = true;
    Session s(p, Client{.tls = true});
    EXPECT_EQ(s.on_line("CAPA").wire.find("STLS"), std::string::npos);
    EXPECT_EQ(s.on_line("STLS").wire, "-ERR already using TLS\r\n");
    s.on_line("USER bob");
    EXPECT_EQ(s.on_line("PASS hungry").action, Action::open_mailbox);
}

TEST(Pop3Session, StlsAsksForTls)
{
    Policy p = policy_with_bob();
    p.tls_available = true;
    Session s(p);
    Step step = s.on_line("STLS");
    EXPECT_EQ(step.action, Action::start_tls);
    EXPECT_EQ(step.wire, "+OK Begin TLS negotiation\r\n");
    s.on_tls_started();
    EXPECT_EQ(s.state(), State::authorization);
    EXPECT_EQ(s.on_line("USER bob").wire.substr(0, 3), "+OK");
}

TEST(Pop3Session, RetrReadsThenMarksSeen)
{
    const Policy p = policy_with_bob();
    Session s = logged_in(p, {{5, "a"}, {7, "b"}});
    Step step = s.on_line("RETR 2");
    EXPECT_EQ(step.action, Action::read_message);
    EXPECT_EQ(step.message, 1u);
    EXPECT_TRUE(step.wire.empty());
    // While the read is pending the shell never feeds lines; if it did, the session closes.
    step = s.on_message(std::string_view("a\nb"));
    EXPECT_EQ(step.wire, "+OK 7 octets\r\na\r\nb\r\n.\r\n");
    step = s.on_line("QUIT");
    EXPECT_EQ(step.action, Action::commit);
    EXPECT_TRUE(step.deletions.empty());
    EXPECT_EQ(step.retrieved, std::vector<std::size_t>{1});
    EXPECT_EQ(s.state(), State::update);
    step = s.on_committed({});
    EXPECT_EQ(step.action, Action::close);
    EXPECT_EQ(s.state(), State::closed);
}

TEST(Pop3Session, TopDoesNotMarkSeenAndDeletedIsNotSeen)
{
    const Policy p = policy_with_bob();
    Session s = logged_in(p, {{5, "a"}, {7, "b"}});
    s.on_line("TOP 1 0");
    s.on_message(std::string_view("h: v\n\nbody\n"));
    s.on_line("RETR 2");
    s.on_message(std::string_view("x"));
    s.on_line("DELE 2");
    Step step = s.on_line("QUIT");
    EXPECT_EQ(step.deletions, std::vector<std::size_t>{1});
    EXPECT_TRUE(step.retrieved.empty());
}

TEST(Pop3Session, QuitWithNothingToDoClosesAtOnce)
{
    const Policy p = policy_with_bob();
    Session s = logged_in(p, {{5, "a"}});
    Step step = s.on_line("QUIT");
    EXPECT_EQ(step.action, Action::close);
    EXPECT_EQ(step.wire, "+OK POP3 server signing off\r\n");
}

TEST(Pop3Session, LineWhilePendingCloses)
{
    const Policy p = policy_with_bob();
    Session s = logged_in(p, {{5, "a"}});
    s.on_line("RETR 1");
    EXPECT_EQ(s.on_line("NOOP").action, Action::close);
}

TEST(Pop3Session, UnexpectedResultsAreErrors)
{
    const Policy p = policy_with_bob();
    Session s(p);
    EXPECT_EQ(s.on_message(std::string_view("x")).wire.substr(0, 4), "-ERR");
    Session t = logged_in(p, {});
    EXPECT_EQ(t.on_mailbox(OpenResult::ok, {}).wire.substr(0, 4), "-ERR");
}

TEST(Pop3Session, MessageNumberDigitsLimit)
{
    const Policy p = policy_with_bob();
    Session s = logged_in(p, {{5, "a"}});
    EXPECT_EQ(s.on_line("LIST 0000000001").wire, "+OK 1 5\r\n");         // 10 digits: accepted
    EXPECT_EQ(s.on_line("LIST 00000000001").wire.substr(0, 4), "-ERR");  // 11 digits
    EXPECT_EQ(s.on_line("LIST 9999999999").wire, "-ERR no such message\r\n");
}

}  // namespace
}  // namespace layer7::mail::pop3
