// Outbox: see outbox.hpp.
#include "im/outbox.hpp"

namespace layer7::im {

Outbox::Outbox(asio::any_io_executor executor, std::size_t max_bytes)
    : timer_(std::move(executor)), max_bytes_(max_bytes)
{
}

void Outbox::wake()
{
    asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

bool Outbox::push(std::string bytes)
{
    bool wake_it = false;
    bool accepted = true;
    {
        std::lock_guard lock(mutex_);
        if (closed_)
            return false;
        if (bytes_ + bytes.size() > max_bytes_) {
            closed_ = true;  // a slow reader: what is queued goes, then the connection ends
            accepted = false;
        } else {
            bytes_ += bytes.size();
            queue_.push_back(std::move(bytes));
        }
        wake_it = std::exchange(waiting_, false);
    }
    if (wake_it)
        wake();
    return accepted;
}

void Outbox::close()
{
    bool wake_it = false;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        wake_it = std::exchange(waiting_, false);
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

core::awaitable<void> drain(core::Stream& stream, Outbox& outbox)
{
    for (bool open = true; open;) {
        auto lines = co_await outbox.take();
        if (lines.empty())
            break;
        std::string bytes;
        for (auto& line : lines)
            bytes += line;
        if (co_await stream.write(bytes))
            open = false;
    }
    outbox.close();
    std::error_code ignored;
    stream.socket().shutdown(asio::socket_base::shutdown_both, ignored);
}

}  // namespace layer7::im
