// BlockingPool: work runs on the pool's threads, the caller resumes on its own executor with the
// result (or the exception), join() finishes what was queued, and a joined pool runs work in place.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "core/runtime/blocking_pool.hpp"

namespace layer7::core {
namespace {

// Runs `body` as a coroutine on a fresh io_context until it returns.
template <class Body>
void run(Body body)
{
    asio::io_context io(1);
    std::exception_ptr failed;
    asio::co_spawn(io, body(), [&](std::exception_ptr e) { failed = e; });
    io.run();
    if (failed)
        std::rethrow_exception(failed);
}

TEST(BlockingPool, RunsOffTheLoopAndResumesOnIt)
{
    BlockingPool pool(2);
    EXPECT_EQ(pool.size(), 2u);
    run([&]() -> awaitable<void> {
        const auto loop = std::this_thread::get_id();
        const auto worker = co_await run_blocking(pool, [] { return std::this_thread::get_id(); });
        EXPECT_NE(worker, loop);
        EXPECT_EQ(std::this_thread::get_id(), loop);
    });
}

TEST(BlockingPool, ReturnsValuesAndVoid)
{
    BlockingPool pool(1);
    run([&]() -> awaitable<void> {
        const std::string text = co_await run_blocking(pool, [] { return std::string("fsynced"); });
        EXPECT_EQ(text, "fsynced");
        bool ran = false;
        co_await run_blocking(pool, [&] { ran = true; });
        EXPECT_TRUE(ran);
    });
}

TEST(BlockingPool, AnExceptionReachesTheCaller)
{
    BlockingPool pool(1);
    run([&]() -> awaitable<void> {
        bool caught = false;
        try {
            co_await run_blocking(pool, []() -> int { throw std::runtime_error("disk on fire"); });
        } catch (const std::runtime_error& e) {
            caught = std::string(e.what()) == "disk on fire";
        }
        EXPECT_TRUE(caught);
    });
}

TEST(BlockingPool, ManyCallersShareAFixedSetOfThreads)
{
    BlockingPool pool(2);
    std::atomic<int> running{0}, most{0};
    int finished = 0;
    asio::io_context io(1);
    for (int i = 0; i < 20; ++i)
        asio::co_spawn(
            io,
            [&]() -> awaitable<void> {
                co_await run_blocking(pool, [&] {
                    const int now = ++running;
                    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {}
                    std::this_thread::yield();
                    --running;
                });
                ++finished;  // on the loop's thread: no race
            },
            asio::detached);
    io.run();
    EXPECT_EQ(finished, 20);
    EXPECT_LE(most.load(), 2);
}

TEST(BlockingPool, JoinFinishesQueuedWorkThenRunsInPlace)
{
    BlockingPool pool(1);
    std::atomic<int> done{0};
    for (int i = 0; i < 5; ++i)
        asio::post(pool.executor(), [&] { ++done; });
    pool.join();
    EXPECT_EQ(done.load(), 5);
    EXPECT_TRUE(pool.joined());
    run([&]() -> awaitable<void> {
        const auto loop = std::this_thread::get_id();
        const auto where = co_await run_blocking(pool, [] { return std::this_thread::get_id(); });
        EXPECT_EQ(where, loop);  // nothing waits forever on a stopped pool
    });
    pool.join();  // twice is harmless
}

TEST(BlockingPool, NoPoolRunsInPlace)
{
    run([&]() -> awaitable<void> {
        const auto loop = std::this_thread::get_id();
        BlockingPool* none = nullptr;
        const auto where = co_await run_blocking(none, [] { return std::this_thread::get_id(); });
        EXPECT_EQ(where, loop);
    });
}

}  // namespace
}  // namespace layer7::core
