// run_blocking: runs file or DNS work on a thread pool and resumes the coroutine on its own
// executor, so an fsync or a res_query never stalls an event loop (DESIGN.md §2).
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "core/net/asio.hpp"

namespace layer7::delivery {

template <class F>
core::awaitable<std::invoke_result_t<F&>> run_blocking(asio::thread_pool& pool, F work)
{
    using R = std::invoke_result_t<F&>;
    std::optional<R> result;
    co_await asio::co_spawn(
        pool.get_executor(), [&]() -> core::awaitable<void> {
            result.emplace(work());
            co_return;
        },
        asio::use_awaitable);
    co_return std::move(*result);
}

}  // namespace layer7::delivery
