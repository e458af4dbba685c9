// The UDP tracker protocol (BEP 15): the packet codec and the exchange on top of the Tracker.
// connect → a connection id bound to the sender's address and the current minute (SipHash with a
// secret, so nothing is stored and a spoofed source cannot get one); announce and scrape only with
// a valid id (this minute's or the last: ids live 1–2 minutes); errors as action 3 (pure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "torrent/siphash.hpp"
#include "torrent/tracker.hpp"

namespace layer7::torrent {

inline constexpr std::uint64_t udp_protocol_id = 0x41727101980;  // BEP 15's magic constant

enum class UdpAction : std::uint32_t { connect = 0, announce = 1, scrape = 2, error = 3 };

struct UdpConnectRequest {
    std::uint32_t transaction_id = 0;
};
struct UdpAnnounceRequest {
    std::uint64_t connection_id = 0;
    std::uint32_t transaction_id = 0;
    AnnounceRequest announce;  // endpoint.port from the packet; the ip is the sender's
    std::uint32_t key = 0;
    std::uint32_t ip = 0;  // ignored, as the HTTP `ip` parameter
};
struct UdpScrapeRequest {
    std::uint64_t connection_id = 0;
    std::uint32_t transaction_id = 0;
    std::vector<InfoHash> info_hashes;
};
using UdpRequest = std::variant<UdpConnectRequest, UdpAnnounceRequest, UdpScrapeRequest>;

enum class UdpDecodeError { too_short, bad_protocol_id, unknown_action, too_many_hashes };

struct UdpLimits {
    std::size_t max_scrape_hashes = 74;  // BEP 15: what fits in one packet
};

// Decodes a client's request. A connect must carry the protocol id; announce may be longer than
// 98 bytes (BEP 41 options follow, and are ignored).
core::Result<UdpRequest, UdpDecodeError> decode_udp_request(std::string_view packet, const UdpLimits& limits = {});
// The client side of the codec, for tests and the fuzz round trip.
std::string encode_udp_request(const UdpRequest& request);

// The transaction id of a packet too short to decode otherwise, to address an error reply.
std::optional<std::uint32_t> udp_transaction_id(std::string_view packet);

std::string encode_udp_connect_response(std::uint32_t transaction_id, std::uint64_t connection_id);
// Peers of the requester's family only: 6-byte entries over IPv4, 18-byte over IPv6 (BEP 15).
std::string encode_udp_announce_response(std::uint32_t transaction_id, const AnnounceResponse& response, bool v6);
std::string encode_udp_scrape_response(std::uint32_t transaction_id, const std::vector<SwarmCounts>& counts);
std::string encode_udp_error(std::uint32_t transaction_id, std::string_view message);

// One datagram in, at most one out. The caller serialises access to the Tracker.
class UdpTracker {
public:
    UdpTracker(Tracker& tracker, const SipKey& secret, UdpLimits limits = {})
        : tracker_(tracker), secret_(secret), limits_(limits)
    {
    }
    // The reply to send back to `from`, or nullopt to stay silent (garbage without a transaction id).
    std::optional<std::string> on_datagram(std::string_view packet, const PeerEndpoint& from, Clock::time_point now);
    // The connection id `from` gets at `now` (exposed for tests).
    std::uint64_t connection_id(const PeerEndpoint& from, Clock::time_point now) const;

private:
    std::uint64_t id_for_minute(const PeerEndpoint& from, std::int64_t minute) const;
    bool valid(std::uint64_t id, const PeerEndpoint& from, Clock::time_point now) const;

    Tracker& tracker_;
    SipKey secret_;
    UdpLimits limits_;
};

}  // namespace layer7::torrent
