// The HTTP tracker protocol's wire format: announce queries (BEP 3) answered with compact peer
// lists (BEP 23, IPv6 in peers6 as BEP 7) or the dictionary form, scrape (BEP 48), and the
// bencoded `failure reason` for a bad request (pure).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "torrent/tracker.hpp"

namespace layer7::torrent {

struct HttpAnnounceQuery {
    AnnounceRequest request;
    bool compact = true;      // BEP 23: the default; compact=0 asks for the dictionary form
    bool no_peer_id = false;  // dictionary form without "peer id"
};

struct HttpQueryLimits {
    std::size_t max_parameters = 64;     // "a=&a=&a=…" stays cheap
    std::size_t max_scrape_hashes = 64;  // per scrape request, as the UDP packet's ~74
};

// Reads an announce from the raw query (info_hash and peer_id are percent-encoded binary). The
// peer's address is `from`, the connection's source: the `ip` parameter is ignored so the tracker
// cannot be used to aim a swarm at a third party. The error is the text for `failure reason`.
core::Result<HttpAnnounceQuery, std::string> parse_announce_query(std::string_view raw_query, const PeerEndpoint& from,
                                                                  const HttpQueryLimits& limits = {});
// The info_hash parameters of a scrape (none: every torrent), or the failure reason.
core::Result<std::vector<InfoHash>, std::string> parse_scrape_query(std::string_view raw_query,
                                                                    const HttpQueryLimits& limits = {});

std::string encode_announce_response(const AnnounceResponse& response, bool compact, bool no_peer_id);
std::string encode_scrape_response(const std::vector<TorrentStats>& files);
std::string encode_failure(std::string_view reason);

// An IP address as text: dotted quad, or eight hex groups for IPv6 (no :: compression).
std::string ip_text(const PeerEndpoint& endpoint);

}  // namespace layer7::torrent
