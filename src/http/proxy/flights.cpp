// Collapsed forwarding: see flights.hpp.
#include "http/proxy/flights.hpp"

namespace layer7::http::proxy {

core::awaitable<std::shared_ptr<const cache::Entry>> Flight::wait()
{
    using Entry = std::shared_ptr<const cache::Entry>;
    auto executor = co_await asio::this_coro::executor;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Entry)>(
        [this, executor](auto handler) {
            // std::function needs a copyable target: share the move-only completion handler.
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            auto resume = [executor, shared](Entry e) {
                asio::post(executor, [shared, e = std::move(e)]() mutable { (*shared)(std::move(e)); });
            };
            std::unique_lock lock(mutex_);
            if (done_) {
                Entry e = entry_;
                lock.unlock();
                resume(std::move(e));
                return;
            }
            waiters_.push_back(std::move(resume));
        },
        asio::use_awaitable);
}

void Flight::finish(std::shared_ptr<const cache::Entry> entry)
{
    std::vector<std::function<void(std::shared_ptr<const cache::Entry>)>> waiters;
    {
        std::lock_guard lock(mutex_);
        if (done_)
            return;
        done_ = true;
        entry_ = entry;
        waiters.swap(waiters_);
    }
    for (auto& w : waiters)
        w(entry);
}

std::pair<std::shared_ptr<Flight>, bool> Flights::join(const std::string& key)
{
    std::lock_guard lock(mutex_);
    auto [it, inserted] = flights_.try_emplace(key);
    if (inserted)
        it->second = std::make_shared<Flight>();
    return {it->second, inserted};
}

void Flights::finish(const std::string& key, const std::shared_ptr<Flight>& flight,
                     std::shared_ptr<const cache::Entry> entry)
{
    {
        std::lock_guard lock(mutex_);
        auto it = flights_.find(key);
        if (it != flights_.end() && it->second == flight)
            flights_.erase(it);
    }
    flight->finish(std::move(entry));
}

}  // namespace layer7::http::proxy
