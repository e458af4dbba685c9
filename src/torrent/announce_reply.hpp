// What a peer makes of an HTTP tracker's announce response (BEP 3, compact peers BEP 23 and
// BEP 7's peers6, or the dictionary form): the peers, the interval, or the failure reason (pure).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace layer7::torrent {

struct TrackerPeer {
    std::string ip;  // text: "127.0.0.1", "::1"
    std::uint16_t port = 0;
};

struct AnnounceReply {
    std::int64_t interval = 1800;
    std::int64_t min_interval = 0;
    std::vector<TrackerPeer> peers;
};

struct AnnounceReplyLimits {
    std::size_t max_peers = 1000;  // more than numwant ever asks for
};

// The reply, or a sentence: the tracker's failure reason, or what is wrong with its bytes.
core::Result<AnnounceReply, std::string> parse_announce_reply(std::string_view body,
                                                              const AnnounceReplyLimits& limits = {});

}  // namespace layer7::torrent
