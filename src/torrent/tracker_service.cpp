// The [tracker] service: see tracker_service.hpp.
#include "torrent/tracker_service.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "http/server/connection.hpp"
#include "http/server/router.hpp"
#include "torrent/tracker_handler.hpp"
#include "torrent/udp_tracker.hpp"

namespace layer7::torrent {

TrackerConfig parse_tracker_config(core::Section s)
{
    TrackerConfig c;
    core::parse_service_keys(s, c.enabled, c.listen, c.limits);
    c.http = s.boolean("http", c.http);
    c.udp = s.boolean("udp", c.udp);
    c.seed_demo = s.boolean("seed_demo", c.seed_demo);
    auto& p = c.policy;
    p.interval = s.seconds("interval", p.interval);
    p.min_interval = s.seconds("min_interval", p.min_interval);
    p.peer_ttl = s.seconds("peer_ttl", 2 * p.interval);
    p.default_numwant = static_cast<std::uint32_t>(s.integer("default_numwant", p.default_numwant, 0, 10000));
    p.max_numwant = static_cast<std::uint32_t>(s.integer("max_numwant", p.max_numwant, 0, 10000));
    p.max_torrents =
        static_cast<std::size_t>(s.integer("max_torrents", static_cast<std::int64_t>(p.max_torrents), 1, 1 << 30));
    p.max_peers_per_torrent = static_cast<std::size_t>(
        s.integer("max_peers_per_torrent", static_cast<std::int64_t>(p.max_peers_per_torrent), 1, 1 << 30));
    if (p.interval.count() < 1)
        s.error("interval", "must be at least 1 second");
    if (p.min_interval > p.interval)
        s.error("min_interval", "must not exceed interval");
    s.finish();
    return c;
}

namespace {

class Service final : public core::Service {
public:
    explicit Service(TrackerConfig config)
        : config_(std::move(config)), shared_(std::make_shared<SharedTracker>(config_.policy))
    {
        if (RAND_bytes(secret_.data(), static_cast<int>(secret_.size())) != 1)
            throw core::StartError("tracker: no randomness for connection ids");
    }

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        std::vector<core::ServiceRow> rows;
        if (config_.http) {
            router_.mount("", "/", std::make_shared<TrackerHandler>(shared_));
            options_.limits = config_.limits;
            options_.header_timeout = std::chrono::seconds(10);
            options_.max_requests = 100;
            const auto at = core::to_string(core::listen_tcp_or_throw(
                runtime, "tracker", config_.listen, core::Admission(config_.limits, http::busy_reply),
                [this](core::TcpSocket s, asio::ip::tcp::endpoint peer) { return serve(std::move(s), peer); },
                core::FirstSpeaker::client, "tcp"));
            rows.push_back({"tracker/http", at, "curl http://" + at + "/  (announce: http://" + at + "/announce)"});
        }
        if (config_.udp) {
            const auto at = core::to_string(core::listen_udp_or_throw(
                runtime, "tracker", config_.listen, [this](asio::ip::udp::socket& s) { return serve_udp(s); }, "udp"));
            rows.push_back({"tracker/udp", at, "announce: udp://" + at + "/announce"});
        }
        return rows;
    }

private:
    core::awaitable<void> serve(core::TcpSocket socket, asio::ip::tcp::endpoint peer)
    {
        core::Stream stream(std::move(socket), core::Role::server, peer);
        stream.set_timeout(options_.header_timeout);
        co_await http::serve_h1(stream, router_, options_);
        co_await stream.shutdown();
    }

    // One worker's UDP loop: each datagram answered at once, or dropped.
    core::awaitable<void> serve_udp(asio::ip::udp::socket& socket)
    {
        UdpTracker udp(shared_->tracker, secret_);
        char buffer[2048];  // BEP 15 requests are at most 16 + 74 × 20 bytes, plus BEP 41 options
        asio::ip::udp::endpoint sender;
        for (;;) {
            auto [ec, n] = co_await socket.async_receive_from(asio::buffer(buffer), sender, core::use_tuple);
            if (ec == asio::error::operation_aborted || !socket.is_open())
                co_return;
            if (ec)
                continue;  // ICMP errors from earlier replies; not ours to act on
            const PeerEndpoint from = peer_endpoint(sender.address(), sender.port());
            std::optional<std::string> reply;
            {
                std::lock_guard lock(shared_->mutex);
                reply = udp.on_datagram(std::string_view(buffer, n), from, std::chrono::steady_clock::now());
            }
            if (!reply) {
                spdlog::debug("tracker: dropped a {}-byte datagram from {}", n, sender.address().to_string());
                continue;
            }
            co_await socket.async_send_to(asio::buffer(*reply), sender, core::use_tuple);
        }
    }

    TrackerConfig config_;
    std::shared_ptr<SharedTracker> shared_;
    SipKey secret_{};
    http::Router router_;
    http::ConnectionOptions options_;
};

}  // namespace

std::unique_ptr<core::Service> make_tracker_service(const TrackerConfig& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::torrent
