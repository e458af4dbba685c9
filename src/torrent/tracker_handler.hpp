// The HTTP tracker as a handler on the HTTP application interface: GET /announce (BEP 3, compact
// BEP 23), GET /scrape (BEP 48) and an HTML stats page at the mount's root. Every worker thread
// shares one Tracker behind a mutex (an announce is microseconds; the lock is never held over I/O).
#pragma once

#include <memory>
#include <mutex>

#include "http/server/handler.hpp"
#include "torrent/http_announce.hpp"
#include "torrent/tracker.hpp"

namespace layer7::torrent {

struct SharedTracker {
    explicit SharedTracker(TrackerPolicy policy) : tracker(policy) {}
    std::mutex mutex;
    Tracker tracker;
};

// The address a peer is reached at: IPv4-mapped IPv6 sources become plain IPv4.
PeerEndpoint peer_endpoint(const asio::ip::address& address, std::uint16_t port);

class TrackerHandler final : public http::Handler {
public:
    explicit TrackerHandler(std::shared_ptr<SharedTracker> shared) : shared_(std::move(shared)) {}
    core::awaitable<http::Outcome> handle(http::Exchange& exchange) override;
    std::optional<http::Reply> handle_now(const http::Request& request, const http::RequestContext& context) override;

private:
    http::Reply announce(const http::RequestContext& context);
    http::Reply scrape(const http::RequestContext& context);
    http::Reply stats();

    std::shared_ptr<SharedTracker> shared_;
    HttpQueryLimits limits_;
};

}  // namespace layer7::torrent
