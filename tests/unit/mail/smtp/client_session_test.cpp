// ClientSession: C:/S: transcripts in the --trace format. "S:" lines are server replies (assembled
// by ReplyParser); "C:" lines are what the session must have written since the previous reply.
#include <gtest/gtest.h>

#include "../../transcript.hpp"
#include "mail/smtp/client_session.hpp"

namespace layer7::mail::smtp {
namespace {

// Replays `script`: S: lines go to the session; C: lines must equal what it wrote, in order.
// "@ tls" marks the handshake (the session must have asked for it).
void replay(ClientSession& session, const std::string& script)
{
    using Kind = test::TranscriptLine::Kind;
    core::ReplyParser parser(reply_syntax);
    test::Written written;  // not yet matched
    written.add(session.start().wire);
    bool tls_pending = false;
    for (const auto& line : test::parse_transcript("script", script).lines) {
        SCOPED_TRACE(line.where() + ": " + line.text);
        if (line.kind == Kind::directive) {
            ASSERT_EQ(line.text, "tls");
            ASSERT_TRUE(tls_pending) << "the session did not ask for TLS";
            tls_pending = false;
            written.add(session.on_tls_started().wire);
            continue;
        }
        if (line.kind == Kind::client) {
            const auto wrote = written.take();
            ASSERT_TRUE(wrote) << "expected the client to write: " << line.text;
            EXPECT_EQ(*wrote, line.text);
            continue;
        }
        ASSERT_TRUE(written.empty()) << "unexpected client line: " << *written.take();
        auto reply = parser.on_line(line.text);
        ASSERT_TRUE(reply.ok()) << line.text;
        if (!*reply)
            continue;
        const ClientStep step = session.on_reply(**reply);
        written.add(step.wire);
        if (step.next == ClientNext::start_tls)
            tls_pending = true;
    }
    written.expect_drained();
}

TEST(ClientSession, TextbookDialogueWithoutExtensions)
{
    // The textbook's crepes.fr → hamburger.edu exchange, with an SMTP-only server (EHLO refused).
    ClientOptions options{"crepes.fr", TlsPolicy::opportunistic, {}, {}};
    Outgoing out{"alice@crepes.fr", {"bob@hamburger.edu"}, "Do you like ketchup?\r\nHow about pickles?\r\n"};
    ClientSession s(options, out);
    replay(s, R"(S: 220 hamburger.edu
C: EHLO crepes.fr
S: 502 5.5.2 Error: command not recognized
C: HELO crepes.fr
S: 250 Hello crepes.fr, pleased to meet you
C: MAIL FROM:<alice@crepes.fr>
S: 250 alice@crepes.fr ... Sender ok
C: RCPT TO:<bob@hamburger.edu>
S: 250 bob@hamburger.edu ... Recipient ok
C: DATA
S: 354 Enter mail, end with "." on a line by itself
C: Do you like ketchup?
C: How about pickles?
C: .
S: 250 Message accepted for delivery
C: QUIT
S: 221 hamburger.edu closing connection
)");
    EXPECT_TRUE(s.done());
    EXPECT_TRUE(s.all_sent());
    EXPECT_EQ(s.results()[0].reply.code, 250);
}

TEST(ClientSession, PipelinesMailRcptAndDataInOneWrite)
{
    ClientOptions options{"crepes.fr", TlsPolicy::never, {}, {}};
    Outgoing out{"alice@crepes.fr", {"bob@hamburger.edu", "nobody@hamburger.edu", "carol@hamburger.edu"}, "Hi\r\n"};
    ClientSession s(options, out);
    s.start();
    EXPECT_EQ(s.on_reply({220, "hamburger.edu ESMTP"}).wire, "EHLO crepes.fr\r\n");
    const ClientStep step = s.on_reply({250, "hamburger.edu\nPIPELINING\nSIZE 1000\n8BITMIME"});
    EXPECT_EQ(step.wire,
              "MAIL FROM:<alice@crepes.fr> SIZE=4\r\nRCPT TO:<bob@hamburger.edu>\r\n"
              "RCPT TO:<nobody@hamburger.edu>\r\nRCPT TO:<carol@hamburger.edu>\r\nDATA\r\n");
    EXPECT_EQ(s.on_reply({250, "2.1.0 Ok"}).wire, "");
    EXPECT_EQ(s.on_reply({250, "2.1.5 Ok"}).wire, "");
    EXPECT_EQ(s.on_reply({550, "5.1.1 User unknown"}).wire, "");
    EXPECT_EQ(s.on_reply({450, "4.2.0 Try later"}).wire, "");
    EXPECT_EQ(s.on_reply({354, "go ahead"}).wire, "Hi\r\n.\r\n");
    EXPECT_EQ(s.on_reply({250, "2.0.0 Ok: queued as X"}).wire, "QUIT\r\n");
    const ClientStep last = s.on_reply({221, "2.0.0 Bye"});
    EXPECT_EQ(last.next, ClientNext::close);
    ASSERT_EQ(s.results().size(), 3u);
    EXPECT_EQ(s.results()[0].verdict, Verdict::sent);
    EXPECT_EQ(s.results()[0].reply.text, "2.0.0 Ok: queued as X");
    EXPECT_EQ(s.results()[1].verdict, Verdict::permanent);
    EXPECT_EQ(s.results()[1].reply.code, 550);
    EXPECT_EQ(s.results()[2].verdict, Verdict::temporary);
    EXPECT_FALSE(s.all_sent());
}

TEST(ClientSession, PipelinedAllRecipientsRefusedEndsTheEmptyMessage)
{
    ClientOptions options{"a", TlsPolicy::never, {}, {}};
    Outgoing out{"a@x", {"b@y"}, "Hi\r\n"};
    ClientSession s(options, out);
    s.on_reply({220, "y"});
    s.on_reply({250, "y\nPIPELINING"});
    s.on_reply({250, "ok"});
    s.on_reply({550, "no"});
    EXPECT_EQ(s.on_reply({354, "go"}).wire, ".\r\n");  // RFC 2920 §3.1
    EXPECT_EQ(s.on_reply({554, "no valid recipients"}).wire, "QUIT\r\n");
    EXPECT_EQ(s.results()[0].verdict, Verdict::permanent);
}

TEST(ClientSession, WithoutPipeliningOneCommandPerReplyAndNoDataWhenNobodyAccepted)
{
    ClientOptions options{"a", TlsPolicy::never, {}, {}};
    Outgoing out{"a@x", {"b@y", "c@y"}, "Hi\r\n"};
    ClientSession s(options, out);
    s.on_reply({220, "y"});
    EXPECT_EQ(s.on_reply({250, "y"}).wire, "MAIL FROM:<a@x>\r\n");
    EXPECT_EQ(s.on_reply({250, "ok"}).wire, "RCPT TO:<b@y>\r\n");
    EXPECT_EQ(s.on_reply({550, "no"}).wire, "RCPT TO:<c@y>\r\n");
    EXPECT_EQ(s.on_reply({451, "later"}).wire, "QUIT\r\n");
    EXPECT_EQ(s.results()[0].verdict, Verdict::permanent);
    EXPECT_EQ(s.results()[1].verdict, Verdict::temporary);
}

TEST(ClientSession, StartTlsThenAuthPlainThenTransaction)
{
    ClientOptions options{"client.example", TlsPolicy::required, "alice", "wonderland"};
    Outgoing out{"alice@crepes.fr", {"bob@hamburger.edu"}, ".hidden dot\r\nend"};
    ClientSession s(options, out);
    replay(s, R"(S: 220 crepes.fr ESMTP
C: EHLO client.example
S: 250-crepes.fr Hello
S: 250-STARTTLS
S: 250 AUTH PLAIN LOGIN
C: STARTTLS
S: 220 2.0.0 Ready to start TLS
@ tls
C: EHLO client.example
S: 250-crepes.fr Hello
S: 250-AUTH PLAIN LOGIN
S: 250 8BITMIME
C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
S: 235 2.7.0 Authentication successful
C: MAIL FROM:<alice@crepes.fr>
S: 250 2.1.0 Ok
C: RCPT TO:<bob@hamburger.edu>
S: 250 2.1.5 Ok
C: DATA
S: 354 go
C: ..hidden dot
C: end
C: .
S: 250 2.0.0 Ok: queued as 1
C: QUIT
S: 221 bye
)");
    EXPECT_TRUE(s.tls_active());
    EXPECT_TRUE(s.all_sent());
}

TEST(ClientSession, AuthLoginWhenPlainIsNotOffered)
{
    ClientOptions options{"c", TlsPolicy::never, "alice", "pw"};
    Outgoing out{"alice@crepes.fr", {"bob@hamburger.edu"}, "x\r\n"};
    ClientSession s(options, out);
    replay(s, R"(S: 220 s
C: EHLO c
S: 250-s
S: 250 AUTH=LOGIN
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: YWxpY2U=
S: 334 UGFzc3dvcmQ6
C: cHc=
S: 535 5.7.8 Authentication credentials invalid
C: QUIT
S: 221 bye
)");
    EXPECT_EQ(s.results()[0].verdict, Verdict::permanent);
    EXPECT_EQ(s.results()[0].reply.code, 535);
}

TEST(ClientSession, RequiredTlsNotOfferedDefers)
{
    ClientOptions options{"c", TlsPolicy::required, {}, {}};
    Outgoing out{"a@x", {"b@y"}, "x\r\n"};
    ClientSession s(options, out);
    s.on_reply({220, "s"});
    EXPECT_EQ(s.on_reply({250, "s\nPIPELINING"}).wire, "QUIT\r\n");
    EXPECT_EQ(s.results()[0].verdict, Verdict::temporary);
    EXPECT_EQ(s.results()[0].reply.text.substr(0, 5), "4.7.4");
}

TEST(ClientSession, OpportunisticTlsRefusedCarriesOnInPlaintext)
{
    ClientOptions options{"c", TlsPolicy::opportunistic, {}, {}};
    Outgoing out{"a@x", {"b@y"}, "x\r\n"};
    ClientSession s(options, out);
    s.on_reply({220, "s"});
    EXPECT_EQ(s.on_reply({250, "s\nSTARTTLS"}).wire, "STARTTLS\r\n");
    EXPECT_EQ(s.on_reply({454, "4.7.0 TLS not available"}).wire, "MAIL FROM:<a@x>\r\n");
}

TEST(ClientSession, GreetingRefusalAnd421)
{
    ClientOptions options{"c", TlsPolicy::never, {}, {}};
    Outgoing out{"a@x", {"b@y"}, "x\r\n"};
    ClientSession refused(options, out);
    EXPECT_EQ(refused.on_reply({554, "5.7.1 go away"}).wire, "QUIT\r\n");
    EXPECT_EQ(refused.results()[0].verdict, Verdict::permanent);

    ClientSession closing(options, out);
    const ClientStep step = closing.on_reply({421, "4.3.2 shutting down"});
    EXPECT_EQ(step.wire, "");
    EXPECT_EQ(step.next, ClientNext::close);
    EXPECT_EQ(closing.results()[0].verdict, Verdict::temporary);
}

TEST(ClientSession, SizeOverTheServersLimitFailsBeforeMail)
{
    ClientOptions options{"c", TlsPolicy::never, {}, {}};
    std::string body(2000, 'a');
    body += "\r\n";
    Outgoing out{"a@x", {"b@y"}, body};
    ClientSession s(options, out);
    s.on_reply({220, "s"});
    EXPECT_EQ(s.on_reply({250, "s\nSIZE 1000"}).wire, "QUIT\r\n");
    EXPECT_EQ(s.results()[0].verdict, Verdict::permanent);
    EXPECT_EQ(s.results()[0].reply.code, 552);
}

TEST(ClientSession, SmtpUtf8AndEightBitParameters)
{
    ClientOptions options{"c", TlsPolicy::never, {}, {}};
    Outgoing out{"a@x", {"b@y"}, "caf\xc3\xa9\r\n", true, true};
    ClientSession s(options, out);
    s.on_reply({220, "s"});
    EXPECT_EQ(s.on_reply({250, "s\n8BITMIME\nSMTPUTF8"}).wire, "MAIL FROM:<a@x> BODY=8BITMIME SMTPUTF8\r\n");
    ClientSession no_utf8(options, out);
    no_utf8.on_reply({220, "s"});
    EXPECT_EQ(no_utf8.on_reply({250, "s\n8BITMIME"}).wire, "QUIT\r\n");  // RFC 6531 §3.2: no downgrade
    EXPECT_EQ(no_utf8.results()[0].reply.text.substr(0, 5), "5.6.7");
}

TEST(ClientSession, LostConnectionLeavesUndecidedRecipientsTemporary)
{
    ClientOptions options{"c", TlsPolicy::never, {}, {}};
    Outgoing out{"a@x", {"b@y", "c@y"}, "x\r\n"};
    ClientSession s(options, out);
    s.on_reply({220, "s"});
    s.on_reply({250, "s"});
    s.on_reply({250, "ok"});  // MAIL
    s.on_reply({550, "no"});  // RCPT b@y; RCPT c@y is on its way when the line drops
    s.on_connection_lost();
    EXPECT_TRUE(s.done());
    EXPECT_EQ(s.results()[0].verdict, Verdict::permanent);
    EXPECT_EQ(s.results()[1].verdict, Verdict::temporary);
    EXPECT_EQ(s.results()[1].reply.code, 421);
    EXPECT_FALSE(s.results()[0].connection_lost);  // the server's own 550
    EXPECT_TRUE(s.results()[1].connection_lost);   // our 421: no server said it
}

TEST(DotStuff, StuffsLeadingDotsAndTerminates)
{
    EXPECT_EQ(dot_stuff(""), ".\r\n");
    EXPECT_EQ(dot_stuff("a\r\n"), "a\r\n.\r\n");
    EXPECT_EQ(dot_stuff("a"), "a\r\n.\r\n");
    EXPECT_EQ(dot_stuff(".\r\n..x\r\n"), "..\r\n...x\r\n.\r\n");
    EXPECT_EQ(dot_stuff("a\nb\r\n"), "a\r\nb\r\n.\r\n");  // a bare LF becomes CRLF (no smuggling)
    EXPECT_EQ(dot_stuff("a\r.b\r\n"), "a\r\n..b\r\n.\r\n");
}

}  // namespace
}  // namespace layer7::mail::smtp
