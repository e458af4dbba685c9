// PerWorker: each worker of a running Runtime reaches its own slot; other threads are refused.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <stdexcept>

#include "core/runtime/per_worker.hpp"

namespace layer7::core {
namespace {

TEST(PerWorker, EachWorkerHasItsOwnSlot)
{
    Runtime runtime(3, 1);
    PerWorker<int> slots(runtime);
    ASSERT_EQ(slots.size(), 3u);
    std::atomic<std::size_t> reported{0};
    std::optional<std::size_t> seen[3];
    for (std::size_t i = 0; i < 3; ++i)
        asio::post(runtime.context(i), [&, i] {
            seen[i] = runtime.this_worker();
            slots.local() += static_cast<int>(10 * (i + 1));
            slots.local() += 1;  // the same slot again
            if (++reported == 3)
                runtime.stop();
        });
    runtime.run();
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(seen[i], i);
        EXPECT_EQ(slots.at(i), static_cast<int>(10 * (i + 1) + 1));
    }
}

TEST(PerWorker, OtherThreadsAreNotWorkers)
{
    Runtime runtime(2, 1);
    PerWorker<int> slots(runtime);
    EXPECT_FALSE(runtime.this_worker());
    EXPECT_THROW(slots.local(), std::logic_error);
    // Nor is a worker of another runtime one of this runtime's.
    Runtime other(1, 1);
    std::optional<std::size_t> theirs = 0;
    bool refused = false;
    asio::post(other.context(0), [&] {
        theirs = runtime.this_worker();
        try {
            slots.local();
        } catch (const std::logic_error&) {
            refused = true;
        }
        other.stop();
    });
    other.run();
    EXPECT_FALSE(theirs);
    EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace layer7::core
