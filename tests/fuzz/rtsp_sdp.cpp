// Fuzzes the SDP parser: a description that parses writes out to text that parses to the same
// text again, and the per-media helpers (rtpmap, fmtp, control, clock rate) never crash.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rtsp/sdp.hpp"
#include "rtsp/transport.hpp"

using namespace layer7::rtsp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    auto sdp = parse_sdp(in);
    if (sdp) {
        const std::string text = to_string(*sdp);
        auto again = parse_sdp(text);
        if (!again || to_string(*again) != text)
            std::abort();
        for (const auto& m : sdp->media) {
            (void)m.rtpmap();
            (void)m.fmtp();
            (void)m.control();
            if (clock_rate_of(m) == 0)
                std::abort();
        }
    }
    for (const auto& t : parse_transports(in)) {
        auto back = parse_transports(to_string(t));
        if (back.size() != 1 || back[0].client_port != t.client_port || back[0].interleaved != t.interleaved)
            std::abort();
    }
    return 0;
}
