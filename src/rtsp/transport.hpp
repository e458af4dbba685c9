// The Transport header (RFC 2326 §12.39): a client lists the transports it accepts, the server
// answers with the one it chose. We take RTP/AVP unicast over UDP (client_port pairs) or TCP
// (interleaved channel pairs); multicast and a `destination` elsewhere are for the server to refuse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace layer7::rtsp {

using PortPair = std::pair<std::uint16_t, std::uint16_t>;

struct Transport {
    bool tcp = false;  // RTP/AVP/TCP: interleaved on the RTSP connection
    bool multicast = false;
    std::optional<PortPair> client_port;
    std::optional<PortPair> server_port;
    std::optional<PortPair> interleaved;  // channels, 0–255
    std::string destination;              // where the client wants RTP sent (§12.39), empty: itself
    std::string source;
    bool record = false;  // mode=record (publishing) rather than play
    std::optional<std::uint32_t> ssrc;
};

// The transport specs of a header, in the client's order of preference; a spec that is not
// RTP/AVP or does not parse is skipped.
std::vector<Transport> parse_transports(std::string_view header);
// The header value for one chosen transport.
std::string to_string(const Transport& transport);

}  // namespace layer7::rtsp
