// Tracker: see tracker.hpp.
#include "torrent/tracker.hpp"

#include <algorithm>

namespace layer7::torrent {

std::string_view to_string(AnnounceRefusal r)
{
    switch (r) {
    case AnnounceRefusal::too_many_torrents: return "tracker is full: too many torrents";
    case AnnounceRefusal::swarm_full: return "tracker is full: too many peers on this torrent";
    }
    return "refused";
}

SwarmCounts Tracker::Swarm::counts() const
{
    SwarmCounts c;
    for (const auto& [id, peer] : peers)
        ++(peer.seeder ? c.complete : c.incomplete);
    c.downloaded = downloaded;
    return c;
}

std::variant<AnnounceResponse, AnnounceRefusal> Tracker::announce(const AnnounceRequest& request, Clock::time_point now)
{
    if (!last_sweep_ || now - *last_sweep_ >= std::chrono::seconds(1))
        expire(now);

    auto it = swarms_.find(request.info_hash);
    if (it == swarms_.end()) {
        if (request.event == AnnounceEvent::stopped)
            return AnnounceResponse{policy_.interval, policy_.min_interval, {}, {}};
        if (swarms_.size() >= policy_.max_torrents)
            return AnnounceRefusal::too_many_torrents;
        it = swarms_.emplace(request.info_hash, Swarm{}).first;
    }
    Swarm& swarm = it->second;

    AnnounceResponse response;
    response.interval = policy_.interval;
    response.min_interval = policy_.min_interval;
    auto peer = swarm.peers.find(request.peer_id);
    // A download finished here when a peer says `completed`, or when one we knew as a leecher
    // announces left=0 without it (aria2 stopping at once sends only `stopped`). Once per peer.
    const bool was_leecher = peer != swarm.peers.end() && !peer->second.seeder;
    const bool finished =
        request.left == 0 && (was_leecher || (peer == swarm.peers.end() && request.event == AnnounceEvent::completed));
    if (request.event == AnnounceEvent::stopped) {
        swarm.downloaded += finished ? 1 : 0;
        if (peer != swarm.peers.end())
            swarm.peers.erase(peer);
        response.counts = swarm.counts();
        return response;
    }
    if (peer == swarm.peers.end()) {
        if (swarm.peers.size() >= policy_.max_peers_per_torrent)
            return AnnounceRefusal::swarm_full;
        peer = swarm.peers.emplace(request.peer_id, Peer{}).first;
    }
    swarm.downloaded += finished ? 1 : 0;
    peer->second.endpoint = request.endpoint;
    peer->second.seeder = request.left == 0;
    peer->second.last_seen = now;

    const std::uint32_t wanted = std::min(request.numwant.value_or(policy_.default_numwant), policy_.max_numwant);
    response.peers = pick_peers(swarm, request.peer_id, wanted);
    response.counts = swarm.counts();
    return response;
}

std::vector<PeerInfo> Tracker::pick_peers(Swarm& swarm, const std::string& self, std::uint32_t wanted)
{
    std::vector<PeerInfo> out;
    const std::size_t n = swarm.peers.size();
    if (n == 0 || wanted == 0)
        return out;
    // Start at a rotating offset so that a large swarm is spread over successive replies.
    const std::size_t start = swarm.rotation % n;
    swarm.rotation = start + wanted;
    auto it = std::next(swarm.peers.begin(), static_cast<std::ptrdiff_t>(start));
    for (std::size_t seen = 0; seen < n && out.size() < wanted; ++seen) {
        if (it->first != self)
            out.push_back({it->first, it->second.endpoint});
        if (++it == swarm.peers.end())
            it = swarm.peers.begin();
    }
    return out;
}

SwarmCounts Tracker::scrape(const InfoHash& info_hash) const
{
    auto it = swarms_.find(info_hash);
    return it == swarms_.end() ? SwarmCounts{} : it->second.counts();
}

std::vector<TorrentStats> Tracker::torrents() const
{
    std::vector<TorrentStats> out;
    out.reserve(swarms_.size());
    for (const auto& [hash, swarm] : swarms_)
        out.push_back({hash, swarm.counts()});
    return out;
}

void Tracker::expire(Clock::time_point now)
{
    last_sweep_ = now;
    for (auto it = swarms_.begin(); it != swarms_.end();) {
        auto& peers = it->second.peers;
        std::erase_if(peers, [&](const auto& entry) { return now - entry.second.last_seen > policy_.peer_ttl; });
        if (peers.empty() && it->second.downloaded == 0)
            it = swarms_.erase(it);
        else
            ++it;
    }
}

}  // namespace layer7::torrent
