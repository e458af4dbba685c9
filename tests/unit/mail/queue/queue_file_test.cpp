// Queue file formats: round trips, every truncation refused, limits of the id.
#include <gtest/gtest.h>

#include "mail/queue/queue_file.hpp"

namespace layer7::mail {
namespace {

QueuedMessage sample()
{
    QueuedMessage m;
    m.id = "0005F1A2B3C4D00001";
    m.arrival = 1700000000;
    m.envelope.mail_from = "alice@crepes.fr";
    m.envelope.rcpt_to = {"bob@hamburger.edu", "\"odd name\"@hamburger.edu"};
    m.envelope.helo = "crepes.fr";
    m.envelope.client_address = "127.0.0.1";
    m.envelope.protocol = "ESMTPSA";
    m.envelope.auth_user = "alice";
    m.envelope.eight_bit_mime = true;
    m.envelope.tls = true;
    m.content = "Received: x\r\nSubject: hi\r\n\r\nline\r\n\r\nlayer7-queue 1\r\n";
    return m;
}

TEST(QueueFile, MessageRoundTrip)
{
    const QueuedMessage m = sample();
    auto bytes = encode_message(m);
    ASSERT_TRUE(bytes.ok());
    auto back = decode_message(*bytes);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->id, m.id);
    EXPECT_EQ(back->arrival, m.arrival);
    EXPECT_EQ(back->envelope.mail_from, m.envelope.mail_from);
    EXPECT_EQ(back->envelope.rcpt_to, m.envelope.rcpt_to);
    EXPECT_EQ(back->envelope.helo, m.envelope.helo);
    EXPECT_EQ(back->envelope.client_address, m.envelope.client_address);
    EXPECT_EQ(back->envelope.protocol, m.envelope.protocol);
    EXPECT_EQ(back->envelope.auth_user, m.envelope.auth_user);
    EXPECT_TRUE(back->envelope.eight_bit_mime);
    EXPECT_FALSE(back->envelope.smtputf8);
    EXPECT_TRUE(back->envelope.tls);
    EXPECT_EQ(back->content, m.content);
}

TEST(QueueFile, NullSenderAndEmptyBody)
{
    QueuedMessage m = sample();
    m.envelope.mail_from.clear();
    m.content.clear();
    auto back = decode_message(*encode_message(m));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->envelope.mail_from, "");
    EXPECT_EQ(back->content, "");
}

TEST(QueueFile, EveryPrefixIsRefused)
{
    const std::string bytes = *encode_message(sample());
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(decode_message(std::string_view(bytes).substr(0, n)).ok()) << n;
    EXPECT_FALSE(decode_message(bytes + "x").ok());  // more content than declared
}

TEST(QueueFile, RefusesWhatItCannotWrite)
{
    QueuedMessage m = sample();
    m.envelope.helo = "evil\r\nrcpt: x@y";
    EXPECT_EQ(encode_message(m).error(), QueueFileError::bad_value);
    m = sample();
    m.id = "../etc";
    EXPECT_EQ(encode_message(m).error(), QueueFileError::bad_value);
}

TEST(QueueFile, RefusesOtherFormats)
{
    EXPECT_EQ(decode_message("layer7-queue 2\n").error(), QueueFileError::bad_magic);
    EXPECT_EQ(decode_message("layer7-queue 1\nbogus: 1\n\n").error(), QueueFileError::bad_field);
    EXPECT_EQ(decode_message("layer7-queue 1\nid: A\narrival: x\n\n").error(), QueueFileError::bad_number);
    EXPECT_EQ(decode_message("layer7-queue 1\nid: A\narrival: 1\nsize: 0\n\n").error(), QueueFileError::bad_field)
        << "no recipient";
}

TEST(QueueFile, StateRoundTrip)
{
    QueueState s = initial_state(3);
    s.attempts = 4;
    s.next_attempt = 1700000300;
    s.recipients[0] = {RecipientStatus::sent, "250 2.0.0 Ok: queued as X", "mx.hamburger.edu[127.0.0.1]:25"};
    s.recipients[1] = {RecipientStatus::failed, "550 5.1.1 User unknown", ""};
    s.recipients[2] = {RecipientStatus::pending, "451 4.4.1 connect to x: refused", "x[127.0.0.1]:2"};
    auto bytes = encode_state(s);
    ASSERT_TRUE(bytes.ok());
    auto back = decode_state(*bytes, 3);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->attempts, 4u);
    EXPECT_EQ(back->next_attempt, 1700000300);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(back->recipients[i].status, s.recipients[i].status);
        EXPECT_EQ(back->recipients[i].detail, s.recipients[i].detail);
        EXPECT_EQ(back->recipients[i].remote, s.recipients[i].remote);
    }
    EXPECT_FALSE(finished(*back));
    back->recipients[2].status = RecipientStatus::sent;
    EXPECT_TRUE(finished(*back));
}

TEST(QueueFile, StateTornWritesAndBadIndexesAreRefused)
{
    QueueState s = initial_state(1);
    s.recipients[0].detail = "x";
    const std::string bytes = *encode_state(s);
    EXPECT_FALSE(decode_state(bytes.substr(0, bytes.size() - 1), 1).ok());
    EXPECT_FALSE(decode_state(bytes, 0).ok());  // recipient 0 of a message with none
    EXPECT_FALSE(decode_state("layer7-state 1\nrcpt: 0 lost - x\n", 1).ok());
    QueueState bad = initial_state(1);
    bad.recipients[0].remote = "two words";
    EXPECT_FALSE(encode_state(bad).ok());
}

TEST(QueueFile, QueueIdLimits)
{
    EXPECT_TRUE(valid_queue_id("0123456789ABCDEF"));
    EXPECT_FALSE(valid_queue_id(""));
    EXPECT_FALSE(valid_queue_id("abc"));
    EXPECT_FALSE(valid_queue_id(".A"));
    EXPECT_TRUE(valid_queue_id(std::string(64, 'A')));
    EXPECT_FALSE(valid_queue_id(std::string(65, 'A')));
}

}  // namespace
}  // namespace layer7::mail
