// The RTSP server's shells: one coroutine per control connection (serve_connection) driving the
// pure ServerSession, and one UDP loop per worker and port (RTP, RTCP) taking publishers' packets
// and readers' receiver reports.
#pragma once

#include <chrono>
#include <cstddef>

#include "core/net/asio.hpp"
#include "core/net/stream.hpp"
#include "rtsp/catalog.hpp"
#include "rtsp/hub.hpp"
#include "rtsp/parser.hpp"
#include "rtsp/server_session.hpp"

namespace layer7::rtsp {

struct ServerOptions {
    ParserLimits limits;
    std::chrono::seconds session_timeout{60};  // no request and no RTP/RTCP for this long → closed
    std::size_t max_queued = 4u << 20;         // bytes of interleaved media queued per connection
};

struct ServerContext {
    Hub& hub;
    ServerCatalog& catalog;
    const ServerOptions& options;
};

core::awaitable<void> serve_connection(core::Stream& stream, ServerContext& context);
// Receives on one of our UDP ports (rtcp: the RTCP one) until the socket closes.
core::awaitable<void> serve_udp(asio::ip::udp::socket& socket, bool rtcp, Hub& hub);

}  // namespace layer7::rtsp
