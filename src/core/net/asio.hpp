// The asio vocabulary every shell uses: coroutines whose errors arrive as values (as_tuple).
#pragma once

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>

namespace layer7::core {

using asio::awaitable;
// `co_await op(use_tuple)` yields a tuple (error_code, result…) instead of throwing.
inline constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace layer7::core
