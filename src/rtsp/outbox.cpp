// Outbox: see outbox.hpp.
#include "rtsp/outbox.hpp"

namespace layer7::rtsp {

Outbox::Outbox(asio::any_io_executor executor, std::size_t max_bytes)
    : timer_(std::move(executor)), max_bytes_(max_bytes)
{
}

void Outbox::wake()
{
    // the timer belongs to the connection's thread: cancel it there
    asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

bool Outbox::push(std::string bytes, bool droppable)
{
    bool wake_it = false;
    {
        std::lock_guard lock(mutex_);
        if (closed_)
            return false;
        if (droppable && bytes_ + bytes.size() > max_bytes_) {
            ++dropped_;
            return false;
        }
        bytes_ += bytes.size();
        queue_.push_back(std::move(bytes));
        wake_it = waiting_;
        waiting_ = false;
    }
    if (wake_it)
        wake();
    return true;
}

void Outbox::close()
{
    bool wake_it = false;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        wake_it = waiting_;
        waiting_ = false;
    }
    if (wake_it)
        wake();
}

core::awaitable<std::vector<std::string>> Outbox::take()
{
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (!queue_.empty()) {
                std::vector<std::string> out(std::make_move_iterator(queue_.begin()),
                                             std::make_move_iterator(queue_.end()));
                queue_.clear();
                bytes_ = 0;
                co_return out;
            }
            if (closed_)
                co_return std::vector<std::string>{};
            waiting_ = true;
        }
        timer_.expires_at(asio::steady_timer::time_point::max());
        co_await timer_.async_wait(core::use_tuple);
    }
}

}  // namespace layer7::rtsp
