// Hub: the server's live paths. A publisher (ANNOUNCE + RECORD) owns a LiveStream; each of its
// RTP/RTCP packets is forwarded unchanged — no re-encoding, same SSRC, sequence and timestamps —
// to every Reader attached to it: one sendmmsg per packet for the UDP readers, the connection's
// Outbox for interleaved ones. Publishers and readers live on any worker thread, so everything
// here is thread-safe. The Hub also maps the UDP sources we receive from (a publisher's client
// ports, a reader's RTCP port) to their stream or reader.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/net/asio.hpp"
#include "rtp/rtcp.hpp"
#include "rtsp/outbox.hpp"
#include "rtsp/sdp.hpp"

namespace layer7::rtsp {

// Our RTP and RTCP UDP sockets (one per worker, SO_REUSEPORT); any of them sends.
struct UdpPorts {
    std::atomic<int> rtp_fd{-1};
    std::atomic<int> rtcp_fd{-1};
    std::uint16_t rtp_port = 0;
    std::uint16_t rtcp_port = 0;
};

struct Route {  // where one track of one reader goes
    bool tcp = false;
    sockaddr_storage rtp{};   // UDP destinations: the reader's client ports
    sockaddr_storage rtcp{};
    std::uint8_t rtp_channel = 0;  // interleaved channels
    std::uint8_t rtcp_channel = 1;
};

// The milliseconds of a steady clock, for "last heard from" stamps shared across threads.
std::int64_t now_ms();

class Reader {
public:
    Reader(std::string peer, std::shared_ptr<Outbox> outbox, std::map<std::size_t, Route> routes)
        : peer_(std::move(peer)), outbox_(std::move(outbox)), routes_(std::move(routes))
    {
    }
    const std::string& peer() const { return peer_; }
    const std::map<std::size_t, Route>& routes() const { return routes_; }
    // One packet of `track` to this reader alone (a file being played; RTCP SR and BYE).
    void send(const UdpPorts& ports, std::size_t track, bool rtcp, std::span<const std::uint8_t> packet);
    void count(std::size_t bytes) { ++packets_, octets_ += bytes; }
    // The reader's receiver report about `track`, as its RTCP said.
    void on_report(std::size_t track, const rtp::ReportBlock& block);
    // The reader's connection ends (its stream ended): the shell closes it.
    void close() { outbox_->close(); }
    Outbox& outbox() { return *outbox_; }

    struct Stats {
        std::uint64_t packets = 0, octets = 0;
        std::map<std::size_t, rtp::ReportBlock> reports;  // latest RR block per track
    };
    Stats stats() const;
    std::atomic<std::int64_t> last_heard_ms{now_ms()};

private:
    std::string peer_;
    std::shared_ptr<Outbox> outbox_;
    std::map<std::size_t, Route> routes_;
    std::atomic<std::uint64_t> packets_{0}, octets_{0};
    mutable std::mutex mutex_;
    std::map<std::size_t, rtp::ReportBlock> reports_;
};

class LiveStream {
public:
    LiveStream(std::string path, SessionDescription announced, const UdpPorts& ports);
    const std::string& path() const { return path_; }
    // The announced description with the tracks renamed trackID=N for players.
    const SessionDescription& description() const { return description_; }

    void attach(std::shared_ptr<Reader> reader);
    void detach(const Reader* reader);
    // One packet from the publisher, to every reader of the track.
    void forward(std::size_t track, bool rtcp, std::span<const std::uint8_t> packet);
    // The publisher is gone: an RTCP BYE to each reader, then their connections close.
    void end();
    std::vector<std::shared_ptr<Reader>> readers() const;
    std::atomic<std::int64_t> last_heard_ms{now_ms()};
    std::atomic<std::uint64_t> packets_in{0};

private:
    void rebuild_peers();  // under mutex_

    std::string path_;
    SessionDescription description_;
    const UdpPorts& ports_;
    mutable std::mutex mutex_;
    bool ended_ = false;
    std::vector<std::shared_ptr<Reader>> readers_;
    // per track: the UDP readers' RTP and RTCP addresses, for one sendmmsg per packet
    std::vector<std::vector<sockaddr_storage>> udp_rtp_, udp_rtcp_;
    std::vector<std::uint32_t> ssrcs_;  // per track, learned from the first packet (for BYE)
};

class Hub {
public:
    // The stream for a new publisher, or nullptr when the path is already being published.
    std::shared_ptr<LiveStream> publish(const std::string& path, SessionDescription announced);
    void unpublish(const std::shared_ptr<LiveStream>& stream);
    std::shared_ptr<LiveStream> find(const std::string& path) const;
    std::vector<std::shared_ptr<LiveStream>> streams() const;

    // A UDP source we accept packets from, and what they are.
    struct Source {
        std::weak_ptr<LiveStream> stream;  // a publisher's RTP or RTCP port
        std::weak_ptr<Reader> reader;      // a reader's RTCP port
        std::size_t track = 0;
        bool rtcp = false;
    };
    void add_source(const asio::ip::udp::endpoint& from, Source source);
    void remove_source(const asio::ip::udp::endpoint& from);
    std::optional<Source> source(const asio::ip::udp::endpoint& from) const;

    UdpPorts ports;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<LiveStream>> streams_;
    std::map<asio::ip::udp::endpoint, Source> sources_;
};

// A sockaddr for a UDP endpoint.
sockaddr_storage to_sockaddr(const asio::ip::udp::endpoint& endpoint);

}  // namespace layer7::rtsp
