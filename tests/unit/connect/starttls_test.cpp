// The STARTTLS dialogues of `layer7 connect`, replayed as C:/S: transcripts.
#include "connect/starttls.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace layer7::connect {
namespace {

using Next = StartTlsStep::Next;

// Feeds the "S: " lines of `transcript` and checks that the dialogue answers with exactly its
// "C: " lines; returns what the last step said to do next.
Next replay(StartTlsProtocol protocol, const std::vector<std::string>& transcript)
{
    StartTlsDialogue dialogue(protocol, "client.example");
    std::vector<std::string> expected, said;
    Next next = Next::read_line;
    for (const auto& line : transcript) {
        if (line.starts_with("C: ")) {
            expected.push_back(line.substr(3));
            continue;
        }
        EXPECT_EQ(next, Next::read_line) << "a server line after the dialogue ended: " << line;
        StartTlsStep step = dialogue.on_line(line.substr(3));
        said.insert(said.end(), step.send.begin(), step.send.end());
        next = step.next;
    }
    EXPECT_EQ(said, expected);
    return next;
}

TEST(StartTls, Smtp)
{
    EXPECT_EQ(replay(StartTlsProtocol::smtp,
                     {"S: 220-hamburger.edu ESMTP", "S: 220 welcome", "C: EHLO client.example", "S: 250-hamburger.edu",
                      "S: 250-PIPELINING", "S: 250 STARTTLS", "C: STARTTLS", "S: 220 2.0.0 Ready to start TLS"}),
              Next::start_tls);
}

TEST(StartTls, SmtpRefused)
{
    EXPECT_EQ(replay(StartTlsProtocol::smtp, {"S: 220 hamburger.edu", "C: EHLO client.example", "S: 250 hamburger.edu",
                                              "C: STARTTLS", "S: 454 4.7.0 TLS not available"}),
              Next::failed);
    EXPECT_EQ(replay(StartTlsProtocol::smtp, {"S: 554 go away"}), Next::failed);
    EXPECT_EQ(replay(StartTlsProtocol::smtp, {"S: HTTP/1.1 400 Bad Request"}), Next::failed);
}

TEST(StartTls, Pop3)
{
    EXPECT_EQ(replay(StartTlsProtocol::pop3, {"S: +OK POP3 ready", "C: STLS", "S: +OK Begin TLS"}), Next::start_tls);
    EXPECT_EQ(replay(StartTlsProtocol::pop3, {"S: +OK POP3 ready", "C: STLS", "S: -ERR no"}), Next::failed);
}

TEST(StartTls, Imap)
{
    EXPECT_EQ(replay(StartTlsProtocol::imap, {"S: * OK IMAP4rev1 ready", "C: a STARTTLS",
                                              "S: * CAPABILITY IMAP4rev1 STARTTLS", "S: a OK Begin TLS"}),
              Next::start_tls);
    EXPECT_EQ(replay(StartTlsProtocol::imap, {"S: * OK ready", "C: a STARTTLS", "S: a BAD no"}), Next::failed);
    EXPECT_EQ(replay(StartTlsProtocol::imap, {"S: * BYE busy"}), Next::failed);
}

TEST(StartTls, Ftp)
{
    EXPECT_EQ(replay(StartTlsProtocol::ftp,
                     {"S: 220-Welcome", "S:  to the server", "S: 220 ready", "C: AUTH TLS", "S: 234 AUTH TLS OK"}),
              Next::start_tls);  // RFC 959 §4.2: inner lines of a multi-line reply may be anything
    EXPECT_EQ(replay(StartTlsProtocol::ftp, {"S: 220-Welcome", "S: 220 ready", "C: AUTH TLS", "S: 234 AUTH TLS OK"}),
              Next::start_tls);
    EXPECT_EQ(replay(StartTlsProtocol::ftp, {"S: 220 ready", "C: AUTH TLS", "S: 534 no TLS here"}), Next::failed);
    EXPECT_EQ(
        replay(StartTlsProtocol::ftp, {"S: 220-a", "S: 221 not the end", "S: 220 ready", "C: AUTH TLS", "S: 234 go"}),
        Next::start_tls);
}

TEST(StartTls, ProtocolNames)
{
    EXPECT_EQ(parse_starttls_protocol("smtp"), StartTlsProtocol::smtp);
    EXPECT_EQ(parse_starttls_protocol("ftp"), StartTlsProtocol::ftp);
    EXPECT_FALSE(parse_starttls_protocol("SMTP"));
    EXPECT_FALSE(parse_starttls_protocol("xmpp"));
}

}  // namespace
}  // namespace layer7::connect
