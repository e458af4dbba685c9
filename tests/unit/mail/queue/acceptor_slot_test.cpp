// The AcceptorSlot web mail hands messages to: empty it refuses, plugged it forwards to the acceptor
// now in charge, and the service a reload replaced cannot empty the slot its successor holds.
#include "mail/queue/acceptor_slot.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace layer7::mail {
namespace {

// Records whom it was asked to begin a message for; begins none.
class RecordingAcceptor final : public Acceptor {
public:
    core::Result<std::unique_ptr<MessageSink>, std::error_code> begin(const Envelope& envelope) override
    {
        senders.push_back(envelope.mail_from);
        return core::fail(std::make_error_code(std::errc::io_error));
    }
    std::vector<std::string> senders;
};

Envelope from(std::string sender)
{
    Envelope e;
    e.mail_from = std::move(sender);
    e.rcpt_to = {"bob@hamburger.edu"};
    return e;
}

TEST(AcceptorSlot, EmptyItRefusesWithTryAgain)
{
    AcceptorSlot slot;
    auto begun = slot.begin(from("alice@crepes.fr"));
    ASSERT_FALSE(begun);
    EXPECT_EQ(begun.error(), std::errc::resource_unavailable_try_again);
}

TEST(AcceptorSlot, ForwardsToTheAcceptorPluggedInLast)
{
    AcceptorSlot slot;
    RecordingAcceptor first, second;
    slot.plug(first);
    (void)slot.begin(from("a@x"));
    slot.plug(second);  // a reload's successor
    auto begun = slot.begin(from("b@x"));
    ASSERT_FALSE(begun);
    EXPECT_EQ(begun.error(), std::errc::io_error);  // the acceptor's own answer comes back
    EXPECT_EQ(first.senders, std::vector<std::string>{"a@x"});
    EXPECT_EQ(second.senders, std::vector<std::string>{"b@x"});
}

TEST(AcceptorSlot, OnlyTheAcceptorPluggedInCanEmptyIt)
{
    AcceptorSlot slot;
    RecordingAcceptor replaced, current;
    slot.plug(replaced);
    slot.plug(current);
    slot.unplug(replaced);  // the retired service goes away: its successor stays
    (void)slot.begin(from("a@x"));
    EXPECT_EQ(current.senders, std::vector<std::string>{"a@x"});
    slot.unplug(current);
    EXPECT_EQ(slot.begin(from("b@x")).error(), std::errc::resource_unavailable_try_again);
    EXPECT_TRUE(replaced.senders.empty());
}

}  // namespace
}  // namespace layer7::mail
