// Relay: the origin's response body passed on to the client as the client takes it — one chunk
// in flight, so a slow client slows the origin read (backpressure) and a 4 GiB body costs no more
// memory than a small one. When the response may be stored, it keeps a copy up to a limit and,
// at a clean end, hands it to `complete` (the cache stores while it streams) and waits for it: the
// client's last chunk comes once the copy is stored.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/net/asio.hpp"
#include "core/net/byte_source.hpp"

namespace layer7::http::proxy {

class Relay final : public core::ByteSource {
public:
    // `keep_limit` 0: keep nothing. `complete` runs once, after the last byte, with the copy
    // (only if the whole body fitted under the limit).
    Relay(std::unique_ptr<core::ByteSource> origin, std::atomic<std::uint64_t>& origin_bytes, std::uint64_t keep_limit,
          std::function<core::awaitable<void>(std::string body)> complete);

    core::awaitable<std::error_code> next(std::string_view& chunk) override;
    std::optional<std::uint64_t> size() const override { return origin_->size(); }
    // Pulls the body to its end without passing it on (a 304 or HEAD to the client, the copy still
    // wanted, or an empty body whose end gives the connection back to the pool); stops early,
    // dropping the origin connection, once bytes come that are not kept.
    core::awaitable<void> keep_only();

private:
    std::unique_ptr<core::ByteSource> origin_;
    std::atomic<std::uint64_t>& origin_bytes_;
    std::uint64_t keep_limit_;
    bool keeping_;
    bool done_ = false;
    bool got_bytes_ = false;
    std::string copy_;
    std::function<core::awaitable<void>(std::string)> complete_;
};

}  // namespace layer7::http::proxy
