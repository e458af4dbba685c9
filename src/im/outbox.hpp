// Outbox: the lines one IM connection writes — its replies and the presence pushes other
// sessions (on any worker thread) queue for it — in order, bounded: a client that does not read
// its pushes is dropped rather than growing our memory. One writer coroutine drains it.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/net/asio.hpp"
#include "core/net/stream.hpp"

namespace layer7::im {

class Outbox : public std::enable_shared_from_this<Outbox> {
public:
    Outbox(asio::any_io_executor executor, std::size_t max_bytes);

    // Queues `bytes`; false when closed or over max_bytes (the outbox is then closed).
    bool push(std::string bytes);
    // Waits until something is queued and takes it all; empty once closed and drained.
    core::awaitable<std::vector<std::string>> take();
    // No more pushes; what is queued is still taken.
    void close();

private:
    void wake();

    asio::steady_timer timer_;  // waited on by take(), cancelled (on its own thread) to wake it
    std::mutex mutex_;
    std::deque<std::string> queue_;
    std::size_t bytes_ = 0;
    std::size_t max_bytes_;
    bool waiting_ = false;
    bool closed_ = false;
};

// Writes what `outbox` yields to `stream` until it is closed and drained or a write fails; then
// shuts the socket down both ways, so that a reader on it ends too.
core::awaitable<void> drain(core::Stream& stream, Outbox& outbox);

}  // namespace layer7::im
