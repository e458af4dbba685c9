// Signal: one waiter, any number of wake-ups, between coroutines on one executor; a wake-up before
// the wait is not lost. The timer is made on the first wait, so a signal never waited on (a stream
// answered at once) costs no timer.
#pragma once

#include <optional>

#include "core/net/asio.hpp"

namespace layer7::core {

class Signal {
public:
    // The executor must outlive the signal (the connection's, which outlives its streams).
    explicit Signal(const asio::any_io_executor& executor) : executor_(executor) {}
    awaitable<void> wait()
    {
        if (!fired_) {
            if (!timer_)
                timer_.emplace(executor_);
            timer_->expires_at(asio::steady_timer::time_point::max());
            co_await timer_->async_wait(use_tuple);
        }
        fired_ = false;
    }
    // As wait(), but gives up at `deadline`: true when woken, false when the time ran out.
    awaitable<bool> wait_until(asio::steady_timer::time_point deadline)
    {
        if (!fired_) {
            if (!timer_)
                timer_.emplace(executor_);
            timer_->expires_at(deadline);
            co_await timer_->async_wait(use_tuple);
        }
        const bool woken = fired_;
        fired_ = false;
        co_return woken;
    }
    void notify()
    {
        fired_ = true;
        if (timer_)
            timer_->cancel();
    }

private:
    const asio::any_io_executor& executor_;
    std::optional<asio::steady_timer> timer_;
    bool fired_ = false;
};

}  // namespace layer7::core
