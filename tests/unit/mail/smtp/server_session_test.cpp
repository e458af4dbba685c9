// Tests for mail/smtp/server_session: every error path and limit (at limit − 1, limit, limit + 1).
#include "mail/smtp/server_session.hpp"

#include <gtest/gtest.h>

#include "core/text/line_parser.hpp"
#include "mail/message/header.hpp"

namespace layer7::mail::smtp {
namespace {

class Session : public ::testing::Test {
protected:
    Session()
    {
        policy.hostname = "hamburger.edu";
        policy.is_local = [](std::string_view d) { return d == "hamburger.edu"; };
        policy.check_credentials = [](std::string_view u, std::string_view p) { return u == "bob" && p == "pw"; };
        policy.now = [] { return std::chrono::sys_seconds{std::chrono::seconds{880127706}}; };
    }
    // The first reply's code (0 when there is none).
    int say(ServerSession& s, std::string_view line, core::LineEnd end = core::LineEnd::crlf)
    {
        absorb(s.on_line(line, end));
        return last.replies.empty() ? 0 : last.replies.front().code;
    }
    // Does with the message what a shell would: begins it, writes its content, commits or drops it.
    void absorb(Step step)
    {
        last = std::move(step);
        committed.reset();
        if (last.begin_message) {
            envelope = last.begin_message;
            written.clear();
        }
        written += last.content;
        if (last.end == MessageEnd::commit)
            committed = std::exchange(written, {});
        if (last.end == MessageEnd::abort) {
            ++aborts;
            written.clear();
        }
    }
    std::string text() const { return last.replies.empty() ? "" : last.replies.front().text; }
    // EHLO + MAIL + one RCPT.
    void open(ServerSession& s, std::string_view mail = "MAIL FROM:<alice@crepes.fr>")
    {
        ASSERT_EQ(say(s, "EHLO crepes.fr"), 250);
        ASSERT_EQ(say(s, mail), 250);
        ASSERT_EQ(say(s, "RCPT TO:<bob@hamburger.edu>"), 250);
    }

    Policy policy;
    Step last;
    std::optional<Envelope> envelope;      // of the message begun last
    std::string written;                   // its content so far
    std::optional<std::string> committed;  // the whole content, when the last step committed it
    int aborts = 0;                        // messages dropped
};

TEST_F(Session, GreetingAndQuit)
{
    ServerSession s(policy);
    EXPECT_EQ(s.greeting(), (Reply{220, "hamburger.edu ESMTP"}));
    EXPECT_EQ(say(s, "quit"), 221);
    EXPECT_EQ(last.next, Next::close);
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(say(s, "NOOP"), 0);
    EXPECT_EQ(last.next, Next::close);
}

TEST_F(Session, EnvelopeAndReceived)
{
    ServerSession s(policy, Client{"192.0.2.7", "mail.crepes.fr", false});
    open(s, "MAIL FROM:<alice@crepes.fr> BODY=8BITMIME");
    EXPECT_EQ(say(s, "DATA"), 354);
    EXPECT_EQ(say(s, "Subject: hi"), 0);
    EXPECT_EQ(say(s, ""), 0);
    EXPECT_EQ(say(s, "..leading dot"), 0);
    EXPECT_EQ(say(s, "."), 0);
    ASSERT_TRUE(committed);
    ASSERT_TRUE(envelope);
    const Envelope& e = *envelope;
    EXPECT_EQ(e.helo, "crepes.fr");
    EXPECT_EQ(e.mail_from, "alice@crepes.fr");
    EXPECT_EQ(e.rcpt_to, std::vector<std::string>{"bob@hamburger.edu"});
    EXPECT_TRUE(e.eight_bit_mime);
    EXPECT_FALSE(e.smtputf8);
    EXPECT_EQ(e.protocol, "ESMTP");
    EXPECT_EQ(e.client_address, "192.0.2.7");
    const std::string received =
        "Received: from crepes.fr (mail.crepes.fr [192.0.2.7])\r\n\tby hamburger.edu with "
        "ESMTP\r\n\tfor <bob@hamburger.edu>;\r\n\tFri, 21 Nov 1997 15:55:06 +0000\r\n";
    EXPECT_EQ(*committed, received + "Subject: hi\r\n\r\n.leading dot\r\n");
    auto header = mail::parse_header(*committed);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->header.fields.front().name, "Received");

    EXPECT_EQ(s.on_queued({}, "Q1").replies.front(), (Reply{250, "2.0.0 Ok: queued as Q1"}));
    EXPECT_EQ(s.on_queued(std::make_error_code(std::errc::no_space_on_device), "").replies.front().code, 451);
    EXPECT_EQ(say(s, "RCPT TO:<bob@hamburger.edu>"), 503);  // the transaction is over
    EXPECT_EQ(say(s, "MAIL FROM:<>"), 250);
}

TEST_F(Session, RecipientLimit)
{
    policy.max_recipients = 3;
    for (int n : {2, 3, 4}) {
        ServerSession s(policy);
        ASSERT_EQ(say(s, "EHLO c"), 250);
        ASSERT_EQ(say(s, "MAIL FROM:<a@crepes.fr>"), 250);
        for (int i = 0; i < n; ++i)
            say(s, "RCPT TO:<u" + std::to_string(i) + "@hamburger.edu>");
        EXPECT_EQ(last.replies.front().code, n <= 3 ? 250 : 452) << n;
        if (n > 3) {
            EXPECT_EQ(text(), "4.5.3 Error: too many recipients");
        }
    }
}

TEST_F(Session, SizeParameterLimit)
{
    policy.max_message_bytes = 100;
    for (int size : {99, 100, 101}) {
        ServerSession s(policy);
        say(s, "EHLO c");
        EXPECT_EQ(say(s, "MAIL FROM:<a@b.c> SIZE=" + std::to_string(size)), size <= 100 ? 250 : 552);
    }
    EXPECT_EQ(text(), "5.3.4 Message size exceeds fixed maximum message size");
}

TEST_F(Session, MessageSizeLimit)
{
    policy.max_message_bytes = 100;
    for (std::size_t total : {99u, 100u, 101u}) {  // two lines + CRLFs = total bytes
        ServerSession s(policy);
        open(s);
        say(s, "DATA");
        say(s, std::string(48, 'a'));
        say(s, std::string(total - 52, 'b'));
        EXPECT_EQ(say(s, "ok after the limit too"), 0);
        say(s, ".");
        if (total <= 100 - 24) {
            EXPECT_TRUE(committed);
        } else {
            EXPECT_FALSE(committed);
            EXPECT_EQ(last.replies.front(), (Reply{552, "5.3.4 Error: message file too big"}));
        }
    }
    for (std::size_t total : {99u, 100u, 101u}) {
        ServerSession s(policy);
        open(s);
        say(s, "DATA");
        say(s, std::string(total - 2, 'a'));
        say(s, ".");
        EXPECT_EQ(committed.has_value(), total <= 100) << total;
        if (total > 100) {
            EXPECT_EQ(last.replies.front().code, 552);
        }
    }
}

TEST_F(Session, BareLfRejectsTheMessage)
{
    ServerSession s(policy);
    open(s);
    say(s, "DATA");
    say(s, "line one", core::LineEnd::bare_lf);
    say(s, "line two");
    say(s, ".");
    EXPECT_FALSE(committed);
    EXPECT_EQ(last.replies.front(), (Reply{550, "5.6.11 Error: bare <LF> received"}));
    EXPECT_EQ(say(s, "RCPT TO:<bob@hamburger.edu>"), 503);
    EXPECT_EQ(say(s, "NOOP", core::LineEnd::bare_lf), 250);  // commands: only DATA cares
}

// SMTP smuggling (CVE-2023-51766 and kin): only CRLF "." CRLF ends DATA. A "." line that ends in a
// bare LF, or that follows one, is content, so a smuggled "MAIL FROM" after it is never a command.
TEST_F(Session, BareLfDotDoesNotEndData)
{
    for (const bool dot_bare : {true, false}) {
        ServerSession s(policy);
        open(s);
        say(s, "DATA");
        say(s, "body", core::LineEnd::bare_lf);
        say(s, ".", dot_bare ? core::LineEnd::bare_lf : core::LineEnd::crlf);
        EXPECT_FALSE(committed) << dot_bare;
        EXPECT_TRUE(last.replies.empty()) << dot_bare;  // still in DATA
        EXPECT_EQ(say(s, "MAIL FROM:<evil@example.org>"), 0) << dot_bare;
        EXPECT_EQ(say(s, "."), 550) << dot_bare;
        EXPECT_EQ(text().substr(0, 6), "5.6.11");
    }
}

// DATA streamed: the wire bytes of one transaction, split in two reads at every offset (so
// "\r\n.\r\n" and every "..", too, fall across reads), through the line reader into a session
// whose chunks are small. Whatever the split and the chunk size, the content committed is the
// message dot-unstuffed, and no piece handed on is much bigger than a chunk.
TEST_F(Session, DataStreamsInChunksWhateverTheSplit)
{
    const std::string wire =
        "EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\n"
        "DATA\r\nSubject: dots\r\n\r\n..one\r\n...two\r\n\r\n..\r\nthree.\r\n"
        "..\r\n.\r\nQUIT\r\n";
    const std::string message = "Subject: dots\r\n\r\n.one\r\n..two\r\n\r\n.\r\nthree.\r\n.\r\n";
    for (const std::size_t chunk : {1u, 5u, 16u, 64u << 10}) {
        policy.chunk_bytes = chunk;
        for (std::size_t split = 0; split <= wire.size(); ++split) {
            SCOPED_TRACE("chunk " + std::to_string(chunk) + ", split at " + std::to_string(split));
            ServerSession s(policy);
            core::LineParser lines(1000);
            std::optional<std::string> done;
            std::size_t pieces = 0;
            for (const std::string_view read :
                 {std::string_view(wire).substr(0, split), std::string_view(wire).substr(split)}) {
                lines.feed(read);
                for (auto e = lines.next(); e.status == core::LineStatus::line; e = lines.next()) {
                    absorb(s.on_line(e.text, e.end));
                    if (!last.content.empty())
                        ++pieces;
                    // At most a chunk and the line that passed it, or the Received: field with it.
                    EXPECT_LE(last.content.size(), chunk + 200);
                    if (committed)
                        done = committed;
                }
            }
            ASSERT_TRUE(done);
            EXPECT_EQ(done->substr(done->find("Subject:")), message);
            EXPECT_EQ(done->rfind("Received: from crepes.fr", 0), 0u);
            EXPECT_EQ(pieces > 1, chunk < message.size()) << pieces;
            EXPECT_TRUE(s.closed());
            EXPECT_EQ(aborts, 0);
        }
    }
}

// The size limit is checked as the data arrives: the first line over it drops what was handed on
// (MessageEnd::abort, once), nothing more is handed on, and the "." gets 552 with no commit.
TEST_F(Session, SizeLimitMidStreamAbortsAtOnce)
{
    policy.max_message_bytes = 100;
    policy.chunk_bytes = 16;
    ServerSession s(policy);
    open(s);
    EXPECT_EQ(say(s, "DATA"), 354);
    std::size_t handed_on = 0;
    for (int i = 0; i < 9; ++i) {  // 9 × 10 bytes: within the limit
        say(s, "12345678");
        handed_on += last.content.size();
        EXPECT_EQ(last.end, MessageEnd::none) << i;
    }
    EXPECT_GT(handed_on, 0u);  // streamed, not held
    say(s, "123456789");       // 101 bytes
    EXPECT_EQ(last.end, MessageEnd::abort);
    EXPECT_TRUE(last.replies.empty());  // answered at the "."
    EXPECT_EQ(aborts, 1);
    say(s, "and more after it");
    EXPECT_TRUE(last.content.empty());
    EXPECT_EQ(last.end, MessageEnd::none);
    EXPECT_EQ(say(s, "."), 552);
    EXPECT_FALSE(committed);
    EXPECT_EQ(aborts, 1);
    EXPECT_EQ(say(s, "MAIL FROM:<a@b.c>"), 250);  // the session goes on
}

// A submission's header is held until its blank line, even when chunks are small, so the fields
// it lacks are added to the header and not to the body.
TEST_F(Session, SubmissionHoldsTheHeaderAcrossChunks)
{
    policy.submission = true;
    policy.chunk_bytes = 8;
    policy.unique_token = [] { return std::string("t1"); };
    ServerSession s(policy, Client{"127.0.0.1", "", true});
    say(s, "EHLO c");
    say(s, "AUTH PLAIN AGJvYgBwdw==");
    say(s, "MAIL FROM:<bob@hamburger.edu>");
    say(s, "RCPT TO:<bob@hamburger.edu>");
    say(s, "DATA");
    say(s, "Subject: a subject longer than a chunk");
    EXPECT_TRUE(last.content.empty());
    say(s, "");
    EXPECT_EQ(last.content.rfind("Received: ", 0), 0u);
    say(s, "body");
    say(s, ".");
    ASSERT_TRUE(committed);
    const std::string& m = *committed;
    EXPECT_NE(m.find("Subject: a subject longer than a chunk\r\nDate: Fri, 21 Nov 1997 15:55:06 +0000\r\n"
                     "Message-ID: <t1@hamburger.edu>\r\n\r\nbody\r\n"),
              std::string::npos);
}

TEST_F(Session, LineTooLong)
{
    policy.chunk_bytes = 1;  // every line would go on at once, were it kept
    ServerSession s(policy);
    EXPECT_EQ(s.on_line_too_long().replies.front(), (Reply{500, "5.5.6 Error: line too long"}));
    open(s);
    say(s, "DATA");
    absorb(s.on_line_too_long());
    EXPECT_TRUE(last.replies.empty());       // no reply in the middle of DATA
    EXPECT_EQ(last.end, MessageEnd::abort);  // but what was written goes at once
    say(s, "more");
    EXPECT_TRUE(last.content.empty());  // nothing after the abort (found by fuzz.mail_smtp_session)
    EXPECT_EQ(last.end, MessageEnd::none);
    say(s, ".");
    EXPECT_FALSE(committed);
    EXPECT_EQ(last.replies.front(), (Reply{552, "5.3.4 Error: message line too long"}));
    EXPECT_EQ(say(s, "MAIL FROM:<a@b.c>"), 250);
}

TEST_F(Session, ErrorLimit)
{
    policy.max_errors = 3;
    ServerSession s(policy);
    EXPECT_EQ(say(s, "BOGUS"), 500);
    EXPECT_EQ(say(s, "MAIL FROM:<a@b.c>"), 503);
    EXPECT_EQ(last.next, Next::read_line);
    EXPECT_EQ(say(s, ""), 421);
    EXPECT_EQ(text(), "4.7.0 hamburger.edu Error: too many errors");
    EXPECT_EQ(last.next, Next::close);
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(s.on_line_too_long().next, Next::close);
}

TEST_F(Session, SequenceAndSyntax)
{
    policy.max_errors = 100;
    ServerSession s(policy);
    EXPECT_EQ(say(s, "RCPT TO:<bob@hamburger.edu>"), 503);
    EXPECT_EQ(say(s, "DATA"), 503);
    EXPECT_EQ(say(s, "AUTH PLAIN"), 503);
    EXPECT_EQ(say(s, "EHLO"), 501);
    EXPECT_EQ(say(s, "EHLO c"), 250);
    EXPECT_EQ(say(s, "DATA"), 503);
    EXPECT_EQ(text(), "5.5.1 Error: need MAIL command");
    EXPECT_EQ(say(s, "MAIL FROM:<a@b.c>"), 250);
    EXPECT_EQ(say(s, "MAIL FROM:<a@b.c>"), 503);
    EXPECT_EQ(say(s, "STARTTLS"), 503);
    EXPECT_EQ(say(s, "RCPT TO:<bob>"), 501);
    EXPECT_EQ(text(), "5.1.3 Bad recipient address syntax");
    EXPECT_EQ(say(s, "RCPT TO:<bob@hamburger.edu>"), 250);
    EXPECT_EQ(say(s, "DATA now"), 501);
    EXPECT_EQ(say(s, "RSET x"), 501);
    EXPECT_EQ(say(s, "VRFY"), 501);
    EXPECT_EQ(say(s, "EHLO again"), 250);  // EHLO resets the transaction (§4.1.4)
    EXPECT_EQ(say(s, "DATA"), 503);
    EXPECT_EQ(say(s,
                  "HELO a\x01"
                  "b"),
              250);
    EXPECT_EQ(text(), "hamburger.edu Hello a?b, pleased to meet you");
}

TEST_F(Session, RelayControl)
{
    {
        ServerSession s(policy);
        say(s, "EHLO c");
        say(s, "MAIL FROM:<a@crepes.fr>");
        EXPECT_EQ(say(s, "RCPT TO:<x@elsewhere.example>"), 554);
        EXPECT_EQ(text(), "5.7.1 x@elsewhere.example: Relay access denied");
        EXPECT_EQ(say(s, "RCPT TO:<Postmaster>"), 250);
    }
    {
        policy.accepts_recipient = [](std::string_view a) { return a == "bob@hamburger.edu"; };
        ServerSession s(policy);
        say(s, "EHLO c");
        say(s, "MAIL FROM:<a@crepes.fr>");
        EXPECT_EQ(say(s, "RCPT TO:<eve@hamburger.edu>"), 550);
        EXPECT_EQ(say(s, "RCPT TO:<bob@hamburger.edu>"), 250);
    }
    policy.client_trusted = true;
    ServerSession trusted(policy);
    say(trusted, "EHLO c");
    say(trusted, "MAIL FROM:<a@crepes.fr>");
    EXPECT_EQ(say(trusted, "RCPT TO:<x@elsewhere.example>"), 250);
}

TEST_F(Session, StartTls)
{
    ServerSession off(policy);
    EXPECT_EQ(say(off, "STARTTLS"), 502);
    policy.tls_available = true;
    ServerSession s(policy);
    say(s, "EHLO c");
    EXPECT_NE(text().find("\nSTARTTLS"), std::string::npos);
    EXPECT_EQ(text().find("AUTH"), std::string::npos);  // not loopback, not TLS: no AUTH
    EXPECT_EQ(say(s, "STARTTLS now"), 501);
    EXPECT_EQ(say(s, "STARTTLS"), 220);
    EXPECT_EQ(last.next, Next::start_tls);
    s.on_tls_started();
    EXPECT_EQ(say(s, "MAIL FROM:<a@b.c>"), 503);
    say(s, "EHLO c");
    EXPECT_EQ(text().find("STARTTLS"), std::string::npos);
    EXPECT_NE(text().find("\nAUTH PLAIN LOGIN"), std::string::npos);
    EXPECT_EQ(say(s, "STARTTLS"), 503);
}

TEST_F(Session, AuthAvailability)
{
    ServerSession remote(policy);
    say(remote, "EHLO c");
    EXPECT_EQ(say(remote, "AUTH PLAIN AGJvYgBwdw=="), 538);
    policy.check_credentials = nullptr;
    ServerSession none(policy, Client{"127.0.0.1", "", true});
    say(none, "EHLO c");
    EXPECT_EQ(text().find("AUTH"), std::string::npos);
    EXPECT_EQ(say(none, "AUTH PLAIN AGJvYgBwdw=="), 503);
}

TEST_F(Session, AuthPlainAndDelay)
{
    policy.submission = true;
    ServerSession s(policy, Client{"127.0.0.1", "", true});
    say(s, "EHLO c");
    EXPECT_EQ(say(s, "MAIL FROM:<bob@hamburger.edu>"), 530);
    EXPECT_EQ(say(s, "AUTH PLAIN ="), 535);  // empty initial response
    EXPECT_EQ(last.delay.count(), 0);
    EXPECT_EQ(say(s, "AUTH PLAIN ZXZlAGJvYgBwdw=="), 535);  // authzid "eve" ≠ "bob"
    EXPECT_EQ(last.delay.count(), 0);
    EXPECT_EQ(say(s, "AUTH PLAIN AGJvYgB3cm9uZw=="), 535);  // third failure: slow down
    EXPECT_EQ(last.delay, policy.auth_failure_delay);
    EXPECT_EQ(say(s, "AUTH PLAIN"), 334);
    EXPECT_EQ(s.on_line_too_long().replies.front().code, 500);
    EXPECT_EQ(say(s, "AUTH plain"), 334);
    EXPECT_EQ(say(s, "AGJvYgBwdw=="), 235);
    EXPECT_EQ(say(s, "MAIL FROM:<bob@hamburger.edu>"), 250);
    EXPECT_EQ(say(s, "RCPT TO:<x@elsewhere.example>"), 250);  // authenticated: may relay
    say(s, "DATA");
    say(s, "x");
    say(s, ".");
    ASSERT_TRUE(committed);
    EXPECT_EQ(envelope->auth_user, "bob");
    EXPECT_EQ(envelope->protocol, "ESMTPA");
}

// RFC 4954 §4: continue-req = "334" SP [base64] CRLF. Each challenge this session sends, on the wire.
TEST_F(Session, SaslContinuationsAreCodeSpaceBase64OnTheWire)
{
    policy.submission = true;
    ServerSession s(policy, Client{"127.0.0.1", "", true});
    say(s, "EHLO c");
    say(s, "AUTH PLAIN");  // no initial response: an empty challenge, still with its space
    EXPECT_EQ(core::to_wire(last.replies, reply_syntax), "334 \r\n");
    EXPECT_EQ(say(s, "AGJvYgBwdw=="), 235);

    ServerSession login(policy, Client{"127.0.0.1", "", true});
    say(login, "EHLO c");
    say(login, "AUTH LOGIN");
    EXPECT_EQ(core::to_wire(last.replies, reply_syntax), "334 VXNlcm5hbWU6\r\n");
    say(login, "Ym9i");  // "bob"
    EXPECT_EQ(core::to_wire(last.replies, reply_syntax), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(say(login, "cHc="), 235);  // "pw"
}

// RFC 6409 §8.3/§8.4: submission adds the Date and Message-ID a user agent left out, relay does not.
TEST_F(Session, SubmissionCompletesTheHeader)
{
    auto submit = [&](bool submission, std::string_view header) {
        policy.submission = submission;
        policy.unique_token = [] { return std::string("t1"); };
        ServerSession s(policy, Client{"127.0.0.1", "", true});
        say(s, "EHLO c");
        if (submission)
            say(s, "AUTH PLAIN AGJvYgBwdw==");
        say(s, "MAIL FROM:<bob@hamburger.edu>");
        say(s, "RCPT TO:<bob@hamburger.edu>");
        say(s, "DATA");
        if (!header.empty())
            say(s, header);
        say(s, "");
        say(s, "body");
        say(s, ".");
        EXPECT_TRUE(committed);
        std::string body = committed.value_or("");
        std::size_t end = 0;  // skip the Received: field and its continuation lines
        do
            end = body.find("\r\n", end) + 2;
        while (end < body.size() && (body[end] == ' ' || body[end] == '\t'));
        return body.substr(end);
    };
    EXPECT_EQ(submit(true, "Subject: hi"),
              "Subject: hi\r\nDate: Fri, 21 Nov 1997 15:55:06 +0000\r\nMessage-ID: <t1@hamburger.edu>\r\n\r\nbody\r\n");
    EXPECT_EQ(submit(true, "Date: Mon, 2 Jan 2023 10:00:00 +0100"),
              "Date: Mon, 2 Jan 2023 10:00:00 +0100\r\nMessage-ID: <t1@hamburger.edu>\r\n\r\nbody\r\n");
    EXPECT_EQ(submit(false, "Subject: hi"), "Subject: hi\r\n\r\nbody\r\n");
}

TEST_F(Session, Utf8Addresses)
{
    ServerSession s(policy);
    say(s, "EHLO c");
    EXPECT_EQ(say(s, "MAIL FROM:<j\xc3\xb6rg@crepes.fr>"), 553);
    EXPECT_EQ(say(s, "MAIL FROM:<j\xc3\xb6rg@crepes.fr> SMTPUTF8"), 250);
    EXPECT_EQ(say(s,
                  "RCPT TO:<b\xc3\xb6"
                  "b@hamburger.edu>"),
              250);
    say(s, "DATA");
    say(s, ".");
    ASSERT_TRUE(committed);
    EXPECT_TRUE(envelope->smtputf8);
    EXPECT_EQ(envelope->protocol, "UTF8SMTP");
}

}  // namespace
}  // namespace layer7::mail::smtp
