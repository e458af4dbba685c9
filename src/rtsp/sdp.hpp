// SDP (RFC 8866): the session description DESCRIBE returns and ANNOUNCE carries. We keep every
// line (so a publisher's description reaches players intact) and interpret the ones RTSP needs:
// m= media lines, a=rtpmap, a=fmtp and a=control (RFC 2326 C.1.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace layer7::rtsp {

using SdpLine = std::pair<char, std::string>;  // type and value ("a", "control:trackID=0")

struct Rtpmap {  // a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]
    int payload_type = 0;
    std::string encoding;  // "H264", "MPEG4-GENERIC", "opus"
    std::uint32_t clock_rate = 0;
    int channels = 0;  // 0 when absent
};

struct Media {
    std::string kind;  // video, audio, application
    std::uint16_t port = 0;
    std::string protocol = "RTP/AVP";
    std::vector<std::string> formats;  // payload types
    std::vector<SdpLine> lines;        // i= c= b= k= a= after the m= line, in order

    // The value of the first a=<name>:<value> (or "" for a flag attribute), if present.
    std::optional<std::string_view> attribute(std::string_view name) const;
    void set_attribute(std::string_view name, std::string_view value);
    std::optional<Rtpmap> rtpmap() const;  // for the first format
    std::string fmtp() const;              // the first format's parameters, "" if none
    std::string control() const;
};

struct SessionDescription {
    std::vector<SdpLine> lines;  // session-level lines after v= (o= s= c= t= a= …), in order
    std::vector<Media> media;

    std::optional<std::string_view> attribute(std::string_view name) const;
};

struct SdpLimits {
    std::size_t max_lines = 512;
    std::size_t max_media = 16;
};

enum class SdpError {
    no_version,  // the first line is not v=0
    bad_line,    // not <type>=<value> with a lower-case letter type
    bad_media,   // an m= line without port, protocol and a format
    too_many,    // over max_lines or max_media
};
const char* to_string(SdpError e);

core::Result<SessionDescription, SdpError> parse_sdp(std::string_view text, const SdpLimits& limits = {});
// CRLF-terminated lines, starting with v=0.
std::string to_string(const SessionDescription& sdp);

// An RTP clock rate from an rtpmap, or the static payload type's (RFC 3551 table 4/5), or 90000.
std::uint32_t clock_rate_of(const Media& media);

}  // namespace layer7::rtsp
