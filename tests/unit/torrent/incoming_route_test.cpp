// The routing of an accepted connection to one of the host's torrents: by the handshake's
// info-hash, which under MSE must be SKEY's too.
#include <gtest/gtest.h>

#include <set>

#include "torrent/incoming_route.hpp"

namespace layer7::torrent {
namespace {

// Twenty bytes of `c`.
InfoHash hash_of(char c)
{
    return *InfoHash::from_raw(std::string(20, c));
}

const std::set<InfoHash> served{hash_of('a'), hash_of('b')};
const auto serves = [](const InfoHash& h) { return served.contains(h); };

TEST(IncomingRoute, PlainHandshakeGoesToTheTorrentItNames)
{
    for (char c : {'a', 'b'}) {
        auto route = route_incoming(hash_of(c), std::nullopt, serves);
        ASSERT_TRUE(route);
        EXPECT_EQ(*route, hash_of(c));
    }
}

TEST(IncomingRoute, UnknownTorrentIsDroppedWithItsHash)
{
    auto route = route_incoming(hash_of('c'), std::nullopt, serves);
    ASSERT_FALSE(route);
    EXPECT_EQ(route.error(), "wrong info-hash " + hash_of('c').hex() + ": no torrent here has it");
}

TEST(IncomingRoute, UnderMseTheHandshakeMustNameSkeysTorrent)
{
    auto same = route_incoming(hash_of('b'), hash_of('b'), serves);
    ASSERT_TRUE(same);
    EXPECT_EQ(*same, hash_of('b'));
    // Both served, but the handshake inside the stream names the other one.
    auto other = route_incoming(hash_of('a'), hash_of('b'), serves);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error(), "handshake for " + hash_of('a').hex() + " under MSE for " + hash_of('b').hex());
}

}  // namespace
}  // namespace layer7::torrent
