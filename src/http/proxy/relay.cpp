// Relay: see relay.hpp.
#include "http/proxy/relay.hpp"

namespace layer7::http::proxy {

Relay::Relay(std::unique_ptr<core::ByteSource> origin, std::atomic<std::uint64_t>& origin_bytes,
             std::uint64_t keep_limit, std::function<core::awaitable<void>(std::string body)> complete)
    : origin_(std::move(origin)), origin_bytes_(origin_bytes), keep_limit_(keep_limit),
      keeping_(keep_limit > 0 && complete), complete_(std::move(complete))
{
    // A body announced over the limit is not copied at all.
    if (const auto announced = origin_->size(); announced && *announced > keep_limit_)
        keeping_ = false;
}

core::awaitable<std::error_code> Relay::next(std::string_view& chunk)
{
    chunk = {};
    if (done_)
        co_return std::error_code{};
    if (auto ec = co_await origin_->next(chunk))
        co_return ec;  // the origin failed midway: nothing is stored
    if (chunk.empty()) {
        done_ = true;
        if (keeping_)
            co_await complete_(std::move(copy_));
        co_return std::error_code{};
    }
    origin_bytes_ += chunk.size();
    got_bytes_ = true;
    if (keeping_ && copy_.size() + chunk.size() > keep_limit_) {
        keeping_ = false;
        std::string().swap(copy_);
    }
    if (keeping_)
        copy_.append(chunk);
    co_return std::error_code{};
}

core::awaitable<void> Relay::keep_only()
{
    for (std::string_view chunk; !done_ && (keeping_ || !got_bytes_);)
        if (co_await next(chunk))
            co_return;
}

}  // namespace layer7::http::proxy
