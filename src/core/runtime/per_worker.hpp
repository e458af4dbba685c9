// PerWorker<T>: one T for each worker of a Runtime — state a worker keeps to itself and uses
// without a lock, such as the proxy's upstream connection pools, whose sockets belong to that
// worker's io_context. Its owner (a service) holds it, so the Ts live and die with the owner
// rather than with a thread, and a second owner gets slots of its own.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <vector>

#include "core/runtime/runtime.hpp"

namespace layer7::core {

template <class T>
class PerWorker {
public:
    explicit PerWorker(const Runtime& runtime) : runtime_(runtime), slots_(runtime.size()) {}

    // The calling worker's T. Any other thread asking is a bug (std::logic_error).
    T& local()
    {
        const auto worker = runtime_.this_worker();
        if (!worker)
            throw std::logic_error("PerWorker: local() called off the runtime's workers");
        return slots_[*worker];
    }
    // Worker `worker`'s T, for its owner when no worker touches it (before or after the run).
    T& at(std::size_t worker) { return slots_.at(worker); }
    std::size_t size() const { return slots_.size(); }

private:
    const Runtime& runtime_;
    std::vector<T> slots_;
};

}  // namespace layer7::core
