// The stats page as a handler on the HTTP application interface: GET / (HTML, refreshing every
// 5 s) and GET /stats.json, from a snapshot of the hub taken per request.
#pragma once

#include "http/server/handler.hpp"
#include "rtsp/hub.hpp"
#include "rtsp/stats_page.hpp"

namespace layer7::rtsp {

StatsSnapshot snapshot(Hub& hub);

class StatsHandler final : public http::Handler {
public:
    explicit StatsHandler(Hub& hub) : hub_(hub) {}
    core::awaitable<http::Outcome> handle(http::Exchange& exchange) override;
    std::optional<http::Reply> handle_now(const http::Request& request, const http::RequestContext& context) override;

private:
    Hub& hub_;
};

}  // namespace layer7::rtsp
