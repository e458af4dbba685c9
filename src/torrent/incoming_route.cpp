// The routing of an accepted connection: see incoming_route.hpp.
#include "torrent/incoming_route.hpp"

namespace layer7::torrent {

core::Result<InfoHash, std::string> route_incoming(const InfoHash& named, const std::optional<InfoHash>& skey,
                                                   const std::function<bool(const InfoHash&)>& serves)
{
    if (skey && *skey != named)
        return core::fail("handshake for " + named.hex() + " under MSE for " + skey->hex());
    if (!serves(named))
        return core::fail("wrong info-hash " + named.hex() + ": no torrent here has it");
    return named;
}

}  // namespace layer7::torrent
