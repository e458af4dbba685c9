// Tracker: the swarm bookkeeping behind HTTP (BEP 3) and UDP (BEP 15) announces, with no I/O and
// no clock of its own (time is passed in).
//
// Theory of operation: a swarm per info-hash holds peers keyed by peer id. An announce adds or
// refreshes the peer (left == 0 makes it a seeder); a leecher turning seeder (or a first announce
// with `completed`) counts one download; `stopped` removes the peer. A peer that has not announced for peer_ttl (about
// two intervals) is gone: expiry runs at most once per second, inside announce(), so no timer is needed. Replies carry
// at most numwant peers (capped), chosen from a rotating offset so everyone sees different peers.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "torrent/info_hash.hpp"

namespace layer7::torrent {

using Clock = std::chrono::steady_clock;

// A peer's transport address: 4 (IPv4) or 16 (IPv6) raw bytes and a port.
struct PeerEndpoint {
    std::string ip;
    std::uint16_t port = 0;
    bool v6() const { return ip.size() == 16; }
    bool operator==(const PeerEndpoint&) const = default;
};

enum class AnnounceEvent { none, completed, started, stopped };  // BEP 15 numbers them 0..3 in this order

struct AnnounceRequest {
    InfoHash info_hash;
    std::string peer_id;  // 20 bytes
    PeerEndpoint endpoint;
    std::uint64_t uploaded = 0, downloaded = 0, left = 0;
    AnnounceEvent event = AnnounceEvent::none;
    std::optional<std::uint32_t> numwant;
};

struct PeerInfo {
    std::string peer_id;
    PeerEndpoint endpoint;
};

struct SwarmCounts {
    std::uint32_t complete = 0;    // seeders
    std::uint32_t incomplete = 0;  // leechers
    std::uint32_t downloaded = 0;  // completed events seen
};

struct AnnounceResponse {
    std::chrono::seconds interval{0}, min_interval{0};
    SwarmCounts counts;
    std::vector<PeerInfo> peers;  // both families; the codecs split them
};

struct TorrentStats {
    InfoHash info_hash;
    SwarmCounts counts;
};

struct TrackerPolicy {
    std::chrono::seconds interval{1800};    // BEP 3: how long a client waits between announces
    std::chrono::seconds min_interval{60};  // clients must not announce more often
    std::chrono::seconds peer_ttl{3600};    // 2 × interval: one missed announce is forgiven
    std::uint32_t default_numwant = 50;     // BEP 3 suggests 50
    std::uint32_t max_numwant = 200;        // a numwant above this is capped, not refused
    std::size_t max_torrents = 100000;      // swarms; a new info-hash beyond this is refused
    std::size_t max_peers_per_torrent = 10000;
};

enum class AnnounceRefusal { too_many_torrents, swarm_full };
std::string_view to_string(AnnounceRefusal r);

class Tracker {
public:
    explicit Tracker(TrackerPolicy policy = {}) : policy_(policy) {}

    // Records the announce and answers it; a refusal becomes the protocol's failure reply.
    std::variant<AnnounceResponse, AnnounceRefusal> announce(const AnnounceRequest& request, Clock::time_point now);
    // Counts for one torrent (BEP 48): zeros for an unknown info-hash.
    SwarmCounts scrape(const InfoHash& info_hash) const;
    // Every swarm, by info-hash (the stats page; a scrape without info_hash).
    std::vector<TorrentStats> torrents() const;
    // Drops peers silent for peer_ttl and the empty swarms that never completed.
    void expire(Clock::time_point now);
    const TrackerPolicy& policy() const { return policy_; }

private:
    struct Peer {
        PeerEndpoint endpoint;
        bool seeder = false;
        Clock::time_point last_seen;
    };
    struct Swarm {
        std::map<std::string, Peer> peers;  // by peer id
        std::uint32_t downloaded = 0;
        std::size_t rotation = 0;  // where the next reply starts picking peers
        SwarmCounts counts() const;
    };
    std::vector<PeerInfo> pick_peers(Swarm& swarm, const std::string& self, std::uint32_t wanted);

    TrackerPolicy policy_;
    std::map<InfoHash, Swarm> swarms_;
    std::optional<Clock::time_point> last_sweep_;
};

}  // namespace layer7::torrent
