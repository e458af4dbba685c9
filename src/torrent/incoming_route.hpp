// Which torrent an accepted connection is for (swarm_host.hpp): the one the peer's BitTorrent
// handshake names, when the host has it; under MSE, SKEY already named one (mse_handshake.hpp), and
// the handshake inside the encrypted stream must name the same. Pure.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "torrent/info_hash.hpp"

namespace layer7::torrent {

// The torrent, or why the connection is dropped (the text of the "dropping peer" line).
core::Result<InfoHash, std::string> route_incoming(const InfoHash& named, const std::optional<InfoHash>& skey,
                                                   const std::function<bool(const InfoHash&)>& serves);

}  // namespace layer7::torrent
