// Outbox: everything one RTSP connection writes — responses, and interleaved media that other
// threads (a publisher's fan-out) queue — in order, from any thread, bounded: media over the
// limit is dropped (a slow TCP reader loses packets, it does not grow our memory).
#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/net/asio.hpp"

namespace layer7::rtsp {

class Outbox : public std::enable_shared_from_this<Outbox> {
public:
    Outbox(asio::any_io_executor executor, std::size_t max_bytes);

    // Queues bytes. Media (`droppable`) beyond max_bytes is dropped; false when dropped or closed.
    bool push(std::string bytes, bool droppable);
    // Waits until something is queued and takes it all; empty once closed.
    core::awaitable<std::vector<std::string>> take();
    // Wakes take() for good; what is queued is still taken first.
    void close();
    bool closed() const { return closed_.load(); }
    std::uint64_t dropped() const { return dropped_.load(); }

private:
    void wake();

    asio::steady_timer timer_;  // waited on by take(), cancelled to wake it
    std::mutex mutex_;
    std::deque<std::string> queue_;
    std::size_t bytes_ = 0;
    std::size_t max_bytes_;
    bool waiting_ = false;
    std::atomic<bool> closed_{false};
    std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace layer7::rtsp
