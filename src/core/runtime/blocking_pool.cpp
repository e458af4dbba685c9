// BlockingPool: see blocking_pool.hpp.
#include "core/runtime/blocking_pool.hpp"

#include <algorithm>

namespace layer7::core {

BlockingPool::BlockingPool(std::size_t threads) : size_(std::max<std::size_t>(1, threads)), pool_(size_) {}

BlockingPool::~BlockingPool()
{
    join();
}

void BlockingPool::join()
{
    if (joined_.exchange(true, std::memory_order_acq_rel))
        return;
    pool_.join();
}

}  // namespace layer7::core
