// Fuzzes the UDP tracker codec (BEP 15) and exchange: a request that decodes must encode to bytes
// that decode to the same encoding (options, unknown event numbers and partial hashes are dropped
// on the way), and the UdpTracker must answer or stay silent without crashing, whatever the packet.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "torrent/udp_tracker.hpp"

using namespace layer7::torrent;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    auto request = decode_udp_request(in);
    if (request.ok()) {
        const std::string wire = encode_udp_request(*request);
        if (wire.size() > in.size())
            std::abort();
        auto again = decode_udp_request(wire);
        if (!again.ok() || encode_udp_request(*again) != wire)
            std::abort();
    }
    static Tracker tracker({.max_torrents = 64, .max_peers_per_torrent = 64});
    static UdpTracker udp(tracker, SipKey{});
    const PeerEndpoint from{std::string("\x7f\x00\x00\x01", 4), 1234};
    // A fixed clock: the connection id the fuzzer may learn from the connect reply stays valid.
    auto reply = udp.on_datagram(in, from, Clock::time_point{});
    if (reply && reply->size() < 8)
        std::abort();
    return 0;
}
