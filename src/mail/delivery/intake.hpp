// delivery::Intake: the mail::Acceptor the receivers hand messages to, and where routing starts.
// A message for local recipients only goes straight into their Maildirs (each copy fsync'ed into
// new/) and never touches the queue unless a copy fails; any other is queued in the spool and the
// delivery agent is rung. Either way commit() returns only once the message is durable.
#pragma once

#include <string>
#include <vector>

#include "mail/delivery/agent.hpp"
#include "mail/queue/acceptor.hpp"

namespace layer7::mail::delivery {

class Intake final : public mail::Acceptor {
public:
    // `local_domains` in lower case, as AgentConfig's.
    Intake(mail::Spool& spool, const mail::System& system, MailboxExists exists,
           std::vector<std::string> local_domains);

    core::Result<std::unique_ptr<mail::MessageSink>, std::error_code> begin(const mail::Envelope& envelope) override;

    // Up to this much of a message is held in memory before it goes to a spool file: a small one is
    // delivered locally without ever being written to the queue.
    static constexpr std::size_t held_in_memory = 64u << 10;

private:
    class Sink;
    bool all_local(const mail::Envelope& envelope) const;

    mail::Spool& spool_;
    const mail::System& system_;
    MailboxExists exists_;
    std::vector<std::string> local_domains_;
};

}  // namespace layer7::mail::delivery
