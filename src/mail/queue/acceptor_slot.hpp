// mail::AcceptorSlot: the acceptor of one spool as receivers outside its mail server see it (web
// mail). The [smtp] service that owns the spool plugs in its delivery::Intake once it runs, and a
// reload's successor plugs in its own in its place, so a receiver built before either — or kept
// across the reload — always hands its messages to the intake now in charge.
#pragma once

#include <atomic>

#include "mail/queue/acceptor.hpp"

namespace layer7::mail {

class AcceptorSlot final : public Acceptor {
public:
    // From now on begin() goes to `acceptor`, which must outlive every message begun through it
    // (layer7 keeps a retired service until it exits).
    void plug(Acceptor& acceptor);
    // Empties the slot if `acceptor` is still plugged in (its service is going away).
    void unplug(Acceptor& acceptor);

    // Fails with resource_unavailable_try_again while nothing is plugged in: no mail server of
    // this process takes mail into the spool.
    core::Result<std::unique_ptr<MessageSink>, std::error_code> begin(const Envelope& envelope) override;

private:
    std::atomic<Acceptor*> acceptor_{nullptr};  // plugged on the main thread, read on every worker
};

}  // namespace layer7::mail
