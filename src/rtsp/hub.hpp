// Hub: the server's live paths. A publisher (ANNOUNCE + RECORD) owns a LiveStream; each of its
// RTP packets is forwarded unchanged — no re-encoding, same SSRC, sequence and timestamps — to
// every Reader attached to it: one sendmmsg per packet for the UDP readers, the connection's
// Outbox for interleaved ones. Each reader gets the relay's own RTCP sender reports, counting
// what it was sent (a late joiner's counts are not the publisher's). Publishers and readers live
// on any worker thread, so everything here is thread-safe. The Hub also maps the UDP sources we
// receive from (a publisher's client ports, a reader's RTCP port) to their stream or reader, and
// lists every reader for the stats page.
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
#include "rtp/relay_clock.hpp"
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
    sockaddr_storage rtp{};  // UDP destinations: the reader's client ports
    sockaddr_storage rtcp{};
    std::uint8_t rtp_channel = 0;  // interleaved channels
    std::uint8_t rtcp_channel = 1;
};

// The milliseconds of a steady clock, for "last heard from" stamps shared across threads.
std::int64_t now_ms();
// The wallclock as NTP time (RFC 3550 §4): seconds since 1900 in 32.32 fixed point.
std::uint64_t ntp_now();

class Reader {
public:
    struct Identity {
        std::string peer;
        std::string path;
        bool file = false;                       // a file played for this reader alone, not a live path
        std::vector<std::uint32_t> clock_rates;  // per track of the description (jitter → seconds)
        std::vector<std::string> media;          // per track: "video H264/90000"
    };
    Reader(Identity who, std::shared_ptr<Outbox> outbox, std::map<std::size_t, Route> routes);
    const Identity& who() const { return who_; }
    const std::string& peer() const { return who_.peer; }
    const std::map<std::size_t, Route>& routes() const { return routes_; }
    // One packet of `track` to this reader alone (a file being played; RTCP SR and BYE); false
    // when it could not go (the interleaved queue is full, no socket).
    bool send(const UdpPorts& ports, std::size_t track, bool rtcp, std::span<const std::uint8_t> packet);
    // An RTP packet of `track` went to this reader: its sender reports count it.
    void count(std::size_t track, std::size_t payload_octets);
    // True once per report interval per track (at the first packet, then every 5 s, RFC 3550
    // §6.2's minimum); called only under the lock of the one stream this reader reads.
    bool report_due(std::size_t track, std::int64_t now);
    // The reader's receiver report about `track`, as its RTCP said.
    void on_report(std::size_t track, const rtp::ReportBlock& block);
    // The reader's connection ends (its stream ended): the shell closes it.
    void close() { outbox_->close(); }
    Outbox& outbox() { return *outbox_; }

    struct TrackStats {
        std::uint32_t packets = 0, octets = 0;   // RTP packets and payload octets sent (wrap as in an SR)
        std::optional<rtp::ReportBlock> report;  // the latest receiver report block
        std::int64_t report_ms = 0;              // when it came (now_ms)
    };
    std::map<std::size_t, TrackStats> stats() const;
    // What `track` was sent so far: RTP packets and payload octets (an SR's counts).
    std::pair<std::uint32_t, std::uint32_t> sent(std::size_t track) const;
    std::atomic<std::int64_t> last_heard_ms{now_ms()};
    const std::int64_t started_ms = now_ms();

private:
    struct Counters {
        std::atomic<std::uint32_t> packets{0}, octets{0};
        std::int64_t next_report_ms = 0;  // under the stream's lock
    };
    Counters* counters(std::size_t track) const { return track < tracks_ ? &counters_[track] : nullptr; }

    Identity who_;
    std::shared_ptr<Outbox> outbox_;
    std::map<std::size_t, Route> routes_;
    std::size_t tracks_ = 0;
    std::unique_ptr<Counters[]> counters_;
    mutable std::mutex mutex_;
    std::map<std::size_t, std::pair<rtp::ReportBlock, std::int64_t>> reports_;
};

class LiveStream {
public:
    LiveStream(std::string path, std::string publisher, SessionDescription announced, const UdpPorts& ports);
    const std::string& path() const { return path_; }
    const std::string& publisher() const { return publisher_; }
    // The announced description with the tracks renamed trackID=N for players.
    const SessionDescription& description() const { return description_; }

    void attach(std::shared_ptr<Reader> reader);
    void detach(const Reader* reader);
    // One packet from the publisher. RTP goes to every reader of the track unchanged; the
    // publisher's RTCP is read (its SR and CNAME) and each reader gets our own sender reports,
    // which count what that reader was sent.
    void forward(std::size_t track, bool rtcp, std::span<const std::uint8_t> packet);
    // The publisher is gone: an RTCP BYE to each reader, then their connections close.
    void end();
    std::vector<std::shared_ptr<Reader>> readers() const;
    std::atomic<std::int64_t> last_heard_ms{now_ms()};
    std::atomic<std::uint64_t> packets_in{0};

private:
    struct Track {
        explicit Track(std::uint32_t clock_rate) : clock(clock_rate) {}
        rtp::RelayClock clock;
        std::uint32_t ssrc = 0;  // from the latest packet (for SR and BYE)
        std::string cname;       // the publisher's, when its SDES said
    };
    void rebuild_peers();                                                          // under mutex_
    void take_publisher_rtcp(Track& track, std::span<const std::uint8_t> packet);  // under mutex_
    void send_report(Reader& reader, std::size_t track);                           // under mutex_

    std::string path_;
    std::string publisher_;
    SessionDescription description_;
    const UdpPorts& ports_;
    mutable std::mutex mutex_;
    bool ended_ = false;
    std::vector<std::shared_ptr<Reader>> readers_;
    std::vector<std::vector<sockaddr_storage>> udp_rtp_;  // per track: the UDP readers, for one sendmmsg per packet
    std::vector<Track> tracks_;
};

class Hub {
public:
    // The stream for a new publisher, or nullptr when the path is already being published.
    std::shared_ptr<LiveStream> publish(const std::string& path, const std::string& publisher,
                                        SessionDescription announced);
    void unpublish(const std::shared_ptr<LiveStream>& stream);
    std::shared_ptr<LiveStream> find(const std::string& path) const;
    std::vector<std::shared_ptr<LiveStream>> streams() const;
    // Every reader playing now, live or file (the stats page).
    void add_reader(const std::shared_ptr<Reader>& reader);
    std::vector<std::shared_ptr<Reader>> readers();

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
    std::vector<std::weak_ptr<Reader>> readers_;
};

// A sockaddr for a UDP endpoint.
sockaddr_storage to_sockaddr(const asio::ip::udp::endpoint& endpoint);

}  // namespace layer7::rtsp
