// The acceptor of a spool for receivers outside its mail server: see acceptor_slot.hpp.
#include "mail/queue/acceptor_slot.hpp"

namespace layer7::mail {

void AcceptorSlot::plug(Acceptor& acceptor)
{
    acceptor_.store(&acceptor, std::memory_order_release);
}

void AcceptorSlot::unplug(Acceptor& acceptor)
{
    Acceptor* expected = &acceptor;
    acceptor_.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
}

core::Result<std::unique_ptr<MessageSink>, std::error_code> AcceptorSlot::begin(const Envelope& envelope)
{
    Acceptor* acceptor = acceptor_.load(std::memory_order_acquire);
    if (!acceptor)
        return core::fail(std::make_error_code(std::errc::resource_unavailable_try_again));
    return acceptor->begin(envelope);
}

}  // namespace layer7::mail
