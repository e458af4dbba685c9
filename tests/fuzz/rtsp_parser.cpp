// Fuzzes the RTSP message parser and the server session behind it: whatever the bytes, events
// come out without a crash; a request that parses re-serializes to bytes that parse the same; the
// session answers every request with a status.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rtsp/parser.hpp"
#include "rtsp/server_session.hpp"

using namespace layer7::rtsp;

namespace {
class FuzzCatalog final : public Catalog {
public:
    std::optional<SessionDescription> describe(std::string_view path) override
    {
        if (path != "a")
            return std::nullopt;
        return parse_sdp("v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=0\r\n").value();
    }
    int can_announce(std::string_view path) override { return path == "b" ? 200 : 403; }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    static FuzzCatalog catalog;
    static const ServerPolicy policy{.peer_address = "127.0.0.1", .server_rtp_port = 8000, .server_rtcp_port = 8001};
    ServerSession session(policy, catalog, "F");
    MessageParser parser({.max_line = 512, .max_header = 2048, .max_body = 2048, .max_frame = 256});
    // split in two at a point the input chooses
    const std::size_t split = size ? data[0] % (size + 1) : 0;
    for (std::string_view part : {in.substr(0, split), in.substr(split)}) {
        parser.feed(part);
        for (;;) {
            ParseEvent e = parser.next();
            if (std::holds_alternative<NeedMore>(e))
                break;
            if (auto* request = std::get_if<Request>(&e)) {
                MessageParser again;
                again.feed(to_wire(*request));
                ParseEvent back = again.next();
                auto* same = std::get_if<Request>(&back);
                if (!same || same->method != request->method || same->uri != request->uri ||
                    same->body != request->body)
                    std::abort();
                if (session.on_request(*request).response.status < 200)
                    std::abort();
            }
            if (auto* error = std::get_if<ParseError>(&e))
                if (session.on_parse_error(*error).status < 400)
                    std::abort();
        }
    }
    return 0;
}
