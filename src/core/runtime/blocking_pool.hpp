// BlockingPool: a fixed set of threads for work that waits on the disk — an fsync, the rename that
// commits a file, a Maildir delivery — and run_blocking(), which runs such work there and resumes
// the caller on its own executor, so one slow disk never stalls the other connections of a worker
// (DESIGN.md §2). The Runtime owns one (Runtime::blocking()) and joins it when it stops.
//
// The queue is first in, first out, and bounded by its callers: a connection waits on one job at a
// time and a service admits at most max_connections of them.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/net/asio.hpp"

namespace layer7::core {

class BlockingPool {
public:
    // What a runtime starts with: as many fsyncs in flight as the disk groups well (the SMTP
    // bench's 20 sessions commit in batches).
    static constexpr std::size_t default_threads = 16;

    explicit BlockingPool(std::size_t threads = default_threads);
    ~BlockingPool();  // join()
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;

    std::size_t size() const { return size_; }
    // Finishes the work queued so far, then ends the threads. Later work runs on the caller's
    // thread: nothing waits forever on a pool that has stopped.
    void join();
    bool joined() const { return joined_.load(std::memory_order_acquire); }

    asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

private:
    std::size_t size_;
    asio::thread_pool pool_;
    std::atomic<bool> joined_{false};
};

// Runs `work()` on `pool` and resumes on the awaiting coroutine's executor with its result. An
// exception thrown by `work` is rethrown here.
template <class F>
awaitable<std::invoke_result_t<F&>> run_blocking(BlockingPool& pool, F work)
{
    using R = std::invoke_result_t<F&>;
    if (pool.joined())
        co_return work();
    if constexpr (std::is_void_v<R>) {
        co_await asio::co_spawn(
            pool.executor(),
            [&]() -> awaitable<void> {
                work();
                co_return;
            },
            asio::use_awaitable);
    } else {
        std::optional<R> result;
        co_await asio::co_spawn(
            pool.executor(),
            [&]() -> awaitable<void> {
                result.emplace(work());
                co_return;
            },
            asio::use_awaitable);
        co_return std::move(*result);
    }
}

// The same on a pool that may be absent (a handler served outside a runtime, in a test): without
// one, `work` runs here, on the caller's thread.
template <class F>
awaitable<std::invoke_result_t<F&>> run_blocking(BlockingPool* pool, F work)
{
    if (!pool)
        co_return work();
    co_return co_await run_blocking(*pool, std::move(work));
}

}  // namespace layer7::core
