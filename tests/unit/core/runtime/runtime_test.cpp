// Runtime and WorkerSlots: a worker's slots die on its own thread once its loop has returned,
// before run() does and while the io_context lives (the moment the thread_locals they replace died).
#include "core/runtime/runtime.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/net/worker_slots.hpp"

namespace layer7::core {
namespace {

TEST(Runtime, AWorkersSlotsDieOnItsThreadWhenItsLoopEnds)
{
    struct Witness {
        Witness(std::atomic<bool>& gone, std::thread::id& died_on, asio::io_context& context)
            : gone(gone), died_on(died_on), timer(context)
        {
        }
        std::atomic<bool>& gone;
        std::thread::id& died_on;
        asio::steady_timer timer;  // of the worker's context: must die before it
        ~Witness()
        {
            died_on = std::this_thread::get_id();
            gone = true;
        }
    };
    std::atomic<bool> gone{false};
    std::thread::id made_on, died_on;
    const WorkerKey<Witness> key;
    Runtime runtime(1);
    asio::io_context& context = runtime.context(0);
    asio::post(context, [&] {
        made_on = std::this_thread::get_id();
        WorkerSlots::of(context).get(key, [&] { return std::make_unique<Witness>(gone, died_on, context); });
        runtime.stop();
    });
    runtime.run();
    EXPECT_TRUE(gone);  // before run() returned, not when the runtime is destroyed
    EXPECT_EQ(died_on, made_on);
    EXPECT_NE(died_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace layer7::core
