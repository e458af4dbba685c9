// The asio vocabulary every shell uses: coroutines whose errors arrive as values (as_tuple).
#pragma once

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>

namespace layer7::core {

using asio::awaitable;
// `co_await op(use_tuple)` yields a tuple (error_code, result…) instead of throwing.
inline constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
// A TCP socket on its io_context's own executor type rather than the type-erased any_io_executor
// (56 bytes, kept in the socket and twice in every pending operation's record): what servers
// accept and a Stream holds. An idle connection is its socket and one pending wait.
using TcpSocket = asio::basic_stream_socket<asio::ip::tcp, asio::io_context::executor_type>;
// The io_context behind a type-erased executor: every executor here is an io_context's (a
// worker's, a client's, a test's).
inline asio::io_context& io_context_of(const asio::any_io_executor& executor)
{
    return static_cast<asio::io_context&>(asio::query(executor, asio::execution::context));
}

}  // namespace layer7::core
