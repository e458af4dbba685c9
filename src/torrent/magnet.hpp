// Magnet URIs for BitTorrent v1 (BEP 9): xt=urn:btih:<40 hex | 32 base32>, dn (display name) and
// tr (trackers), percent-encoded (pure).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "torrent/info_hash.hpp"

namespace layer7::torrent {

struct Magnet {
    InfoHash info_hash;
    std::string name;                   // dn
    std::vector<std::string> trackers;  // tr, in order
};

struct MagnetLimits {
    std::size_t max_length = 8192;  // a magnet link longer than this is not a link
    std::size_t max_trackers = 64;
};

// nullopt unless it is a magnet URI with exactly one urn:btih exact topic; unknown keys are ignored.
std::optional<Magnet> parse_magnet(std::string_view uri, const MagnetLimits& limits = {});
// magnet:?xt=urn:btih:HEX&dn=NAME&tr=URL… with dn and tr percent-encoded.
std::string to_uri(const Magnet& magnet);

}  // namespace layer7::torrent
