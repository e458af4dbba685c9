// WorkerSlots: the state one worker (one io_context, run by one thread) keeps for what runs on it:
// the buffer every read lands in first, and each service's own per-worker state (the static file
// cache, the proxy's upstream clients). An asio service, so each io_context has its own, reached
// from its sockets and executors, never from another thread, with no hidden thread_local.
// Lifetime: Runtime::run clears the slots on the worker's thread once its loop has returned, while
// the io_context still exists (a slot may hold sockets of it); an io_context that no Runtime runs
// (a client, a test) clears them when it shuts down.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "core/net/asio.hpp"

namespace layer7::core {

// Names one per-worker slot that holds a T: its address is the key. A service keeps one as a
// member for state of its own, or as a static for state every user on a worker shares.
template <class T>
class WorkerKey {
public:
    WorkerKey() = default;
    WorkerKey(const WorkerKey&) = delete;  // a copy would name another slot
    WorkerKey& operator=(const WorkerKey&) = delete;
};

class WorkerSlots final : public asio::execution_context::service {
public:
    static asio::execution_context::id id;

    explicit WorkerSlots(asio::execution_context& context);
    ~WorkerSlots() override { clear(); }

    // This context's slots, made on first use. asio's service lookup takes a lock: a hot path
    // keeps the reference (every Stream does; a request finds it in its RequestContext).
    static WorkerSlots& of(asio::execution_context& context) { return asio::use_service<WorkerSlots>(context); }
    static WorkerSlots& of(const asio::any_io_executor& executor);

    // The buffer every read on this worker lands in first: a connection takes what it needs before
    // it suspends again, so an idle one holds none.
    char* input() const { return input_.get(); }
    static constexpr std::size_t input_size = 16384;

    // The T that `key` names on this worker, made by `make()` (a std::unique_ptr<T>) on first use.
    template <class T, class Make>
    T& get(const WorkerKey<T>& key, Make&& make)
    {
        for (const Slot& slot : slots_)
            if (slot.key == &key)
                return *static_cast<T*>(slot.value.get());
        std::unique_ptr<T> made = std::forward<Make>(make)();
        T& result = *made;
        slots_.push_back({&key, Value(made.release(), [](void* p) { delete static_cast<T*>(p); })});
        return result;
    }
    template <class T>
    T& get(const WorkerKey<T>& key)
    {
        return get(key, [] { return std::make_unique<T>(); });
    }

    // Destroys every slot, the latest made first.
    void clear();

private:
    void shutdown() override { clear(); }

    using Value = std::unique_ptr<void, void (*)(void*)>;
    struct Slot {
        const void* key;
        Value value;
    };
    std::vector<Slot> slots_;  // a handful: a scan beats a hash
    const std::unique_ptr<char[]> input_;
};

}  // namespace layer7::core
