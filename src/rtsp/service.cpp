// The [rtsp] service: see service.hpp.
#include "rtsp/service.hpp"

#include <spdlog/spdlog.h>

#include "core/fs/beneath.hpp"
#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "http/server/connection.hpp"
#include "http/server/router.hpp"
#include "rtsp/stats_handler.hpp"

namespace layer7::rtsp {

RtspConfig parse_rtsp_config(core::Section s)
{
    RtspConfig c;
    c.enabled = s.boolean("enabled", c.enabled);
    c.listen = core::parse_listen_address(s, "listen", c.listen);
    c.rtp_port = static_cast<std::uint16_t>(s.integer("rtp_port", c.rtp_port, 1024, 65534));
    if (c.rtp_port % 2 != 0)
        s.error("rtp_port", "RTP takes an even port, RTCP the odd one after it (RFC 3550 §11)");
    c.media_root = s.string("media_root", c.media_root);
    c.stats_listen = core::parse_optional_listen_address(s, "stats_listen", c.stats_listen);
    if (!c.media_root.empty())
        s.require_directory("media_root", c.media_root);
    c.options.session_timeout = s.seconds("session_timeout", c.options.session_timeout);
    if (c.options.session_timeout.count() < 5)
        s.error("session_timeout", "must be at least 5 seconds");
    const core::Limits limits = s.limits(core::Limits{.max_line = c.options.limits.max_line,
                                                      .max_header = c.options.limits.max_header,
                                                      .max_message = c.options.limits.max_body,
                                                      .max_connections = c.max_connections});
    c.options.limits.max_line = limits.max_line;
    c.options.limits.max_header = limits.max_header;
    c.options.limits.max_body = limits.max_message;
    c.max_connections = limits.max_connections;
    c.options.limits.max_frame = static_cast<std::size_t>(
        s.integer("max_interleaved_frame", static_cast<std::int64_t>(c.options.limits.max_frame), 64, 65535));
    s.finish();
    return c;
}

namespace {

class Service final : public core::Service {
public:
    explicit Service(RtspConfig config) : config_(std::move(config)), root_(open_root(config_.media_root)) {}

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        const auto where = core::to_string(config_.listen);
        hub_.ports.rtp_port = config_.rtp_port;
        hub_.ports.rtcp_port = static_cast<std::uint16_t>(config_.rtp_port + 1);
        const auto tcp = *core::tcp_endpoint(config_.listen);
        for (bool rtcp : {false, true}) {
            asio::ip::udp::endpoint udp(tcp.address(), rtcp ? hub_.ports.rtcp_port : hub_.ports.rtp_port);
            auto [ec, bound] =
                runtime.listen_udp(udp, [this, rtcp](asio::ip::udp::socket& s) { return serve_udp(s, rtcp, hub_); });
            if (ec)
                throw core::StartError("rtsp: cannot listen on UDP port " + std::to_string(udp.port()) + ": " +
                                       ec.message());
        }
        core::listen_tcp_or_throw(
            runtime, "rtsp", config_.listen, config_.max_connections,
            [this](core::TcpSocket s, asio::ip::tcp::endpoint peer) { return serve(std::move(s), peer); },
            core::FirstSpeaker::client);
        std::string try_it = "ffmpeg -re -f lavfi -i testsrc -c:v libx264 -f rtsp rtsp://" + where +
                             "/live  then  ffplay rtsp://" + where + "/live";
        std::vector<core::ServiceRow> rows{{"rtsp", where, try_it}};
        if (config_.stats_listen)
            rows.push_back(start_stats(runtime));
        return rows;
    }

private:
    // The stats page: its own HTTP listener, as the tracker's (RTSP's port speaks RTSP only).
    core::ServiceRow start_stats(core::Runtime& runtime)
    {
        router_.mount("", "/", std::make_shared<StatsHandler>(hub_));
        http_options_.header_timeout = std::chrono::seconds(10);
        http_options_.max_requests = 100;
        const core::Limits limits{.max_connections = 100};
        const auto at = core::to_string(core::listen_tcp_or_throw(
            runtime, "rtsp", *config_.stats_listen, core::Admission(limits, http::busy_reply),
            [this](core::TcpSocket s, asio::ip::tcp::endpoint peer) { return serve_stats(std::move(s), peer); },
            core::FirstSpeaker::client, "stats"));
        return {"rtsp/stats", at, "curl http://" + at + "/stats.json  (readers' RTCP receiver reports)"};
    }

    core::awaitable<void> serve_stats(core::TcpSocket socket, asio::ip::tcp::endpoint peer)
    {
        core::Stream stream(std::move(socket), core::Role::server, peer);
        stream.set_timeout(http_options_.header_timeout);
        co_await http::serve_h1(stream, router_, http_options_);
        co_await stream.shutdown();
    }

    static std::unique_ptr<core::Root> open_root(const std::string& dir)
    {
        if (dir.empty())
            return nullptr;
        try {
            return std::make_unique<core::Root>(dir);
        } catch (const std::system_error& e) {
            throw core::StartError("rtsp: media root " + dir + ": " + e.what());
        }
    }

    core::awaitable<void> serve(core::TcpSocket socket, asio::ip::tcp::endpoint peer)
    {
        core::Stream stream(std::move(socket), core::Role::server, peer);
        co_await serve_connection(stream, context_);
        co_await stream.shutdown();
    }

    RtspConfig config_;
    Hub hub_;
    std::unique_ptr<core::Root> root_;
    ServerCatalog catalog_{hub_, root_.get()};
    ServerContext context_{hub_, catalog_, config_.options};
    http::Router router_;
    http::ConnectionOptions http_options_;
};

}  // namespace

std::unique_ptr<core::Service> make_rtsp_service(const RtspConfig& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::rtsp
