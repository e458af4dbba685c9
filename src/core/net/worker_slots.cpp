// WorkerSlots: see worker_slots.hpp.
#include "core/net/worker_slots.hpp"

namespace layer7::core {

asio::execution_context::id WorkerSlots::id;

WorkerSlots::WorkerSlots(asio::execution_context& context)
    : service(context), input_(std::make_unique_for_overwrite<char[]>(input_size))
{
}

WorkerSlots& WorkerSlots::of(const asio::any_io_executor& executor)
{
    return of(asio::query(executor, asio::execution::context));
}

void WorkerSlots::clear()
{
    // Each leaves the vector before it dies, so the vector is whole while its destructor runs.
    while (!slots_.empty()) {
        Slot last = std::move(slots_.back());
        slots_.pop_back();
    }
}

}  // namespace layer7::core
