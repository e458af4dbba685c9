// The /mail/events stream: see push_stream.hpp.
#include "mail/web/push_stream.hpp"

#include <asio/post.hpp>

namespace layer7::mail::web {

void PushControl::end()
{
    std::lock_guard lock(mutex_);
    ended_ = true;
    if (executor_)  // wake it on its own thread; it may be gone by then
        asio::post(*executor_, [self = shared_from_this()] {
            if (self->stream_)
                self->stream_->wake();
        });
}

void PushControl::delivered()
{
    std::lock_guard lock(mutex_);
    if (executor_)
        asio::post(*executor_, [self = shared_from_this()] {
            if (self->stream_)
                self->stream_->on_delivered();
        });
}

bool PushControl::ended()
{
    std::lock_guard lock(mutex_);
    return ended_;
}

PushStream::PushStream(std::shared_ptr<PushFeed> feed, std::uint64_t id, std::string session_id, std::string folder,
                       PushLimits limits)
    : feed_(std::move(feed)), id_(id), session_id_(std::move(session_id)), folder_(std::move(folder)), limits_(limits)
{
}

PushStream::~PushStream()
{
    *alive_ = false;
    {
        std::lock_guard lock(control_->mutex_);
        control_->stream_ = nullptr;
    }
    feed_->push_closed(id_);
}

core::awaitable<std::error_code> PushStream::next(std::string_view& chunk)
{
    chunk = {};
    out_.clear();
    if (done_ || cancelled_)
        co_return std::error_code{};
    if (!started_) {
        started_ = true;
        executor_ = co_await asio::this_coro::executor;
        timer_.emplace(*executor_);
        {
            std::lock_guard lock(control_->mutex_);
            control_->executor_ = *executor_;
            control_->stream_ = this;
        }
        last_event_ = last_write_ = Clock::now();
        out_ = "retry: 5000\n\n";  // how long EventSource waits before it reopens an ended stream
    }
    for (;;) {
        if (cancelled_) {
            done_ = true;
            break;
        }
        if (control_->ended()) {
            done_ = true;
            out_ += sse_event("bye", "replaced");
            break;
        }
        auto state = feed_->push_state(session_id_, folder_);
        if (!state) {
            done_ = true;
            out_ += sse_event("bye", "session");
            break;
        }
        if (!watch_broken_ && (!watch_ || state->folders != watched_)) {
            // Set before the state that is sent is read, so no change falls between the two.
            watched_ = state->folders;
            watch_.emplace(*executor_, watched_, state->root);
            continue;
        }
        const auto now = Clock::now();
        if (state->json != last_state_) {
            last_state_ = std::move(state->json);
            out_ += sse_event("state", last_state_);
            last_event_ = now;
            break;
        }
        if (!out_.empty())
            break;
        if (now - last_event_ >= limits_.idle) {  // the end; the browser reopens it after `retry`
            done_ = true;
            break;
        }
        if (now - last_write_ >= limits_.heartbeat) {
            out_ = ":\n\n";  // a comment: a write to a page that is gone fails, and the stream ends
            break;
        }
        co_await wait(std::min(last_write_ + limits_.heartbeat, last_event_ + limits_.idle));
    }
    last_write_ = Clock::now();
    chunk = out_;
    co_return std::error_code{};
}

core::awaitable<void> PushStream::wait(Clock::time_point deadline)
{
    woken_ = false;
    timer_->expires_at(deadline);
    if (!watch_ || !watch_->watching()) {  // no inotify (out of instances): look at each heartbeat
        if (!delivered_)                   // or delivery notice
            co_await timer_->async_wait(core::use_tuple);
        delivered_ = false;
        co_return;
    }
    const std::uint64_t generation = ++wait_generation_;
    timer_->async_wait([this, alive = alive_, generation](std::error_code ec) {
        if (!ec && *alive && generation == wait_generation_ && watch_)
            watch_->cancel();
    });
    const bool changed = co_await watch_->changed();
    ++wait_generation_;  // a timer handler already queued must not cut the next wait short
    timer_->cancel();
    if (!changed && !woken_ && Clock::now() < deadline) {  // neither the timer nor wake(): it broke
        watch_.reset();
        watch_broken_ = true;
    }
}

void PushStream::cancel()
{
    cancelled_ = true;
    wake();
}

void PushStream::on_delivered()
{
    if (watch_ && watch_->watching())
        return;
    delivered_ = true;
    wake();
}

void PushStream::wake()
{
    woken_ = true;
    if (timer_)
        timer_->cancel();
    if (watch_)
        watch_->cancel();
}

}  // namespace layer7::mail::web
