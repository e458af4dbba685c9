// MediaFile: a container file (MP4, MKV, …) under the media root, demuxed with libavformat and cut
// into RTP payloads: H.264 as RFC 6184 (FU-A; SPS/PPS in the SDP's sprop-parameter-sets), AAC as
// RFC 3640 AAC-hbr, Opus as RFC 7587. Other streams are left out of the description.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtsp/sdp.hpp"

struct AVFormatContext;
struct AVPacket;

namespace layer7::rtsp {

class MediaFile {
public:
    enum class Codec { h264, aac, opus };
    struct Track {
        int stream_index = 0;
        Codec codec = Codec::h264;
        std::uint32_t clock_rate = 90000;
        std::uint8_t payload_type = 96;
        int time_base_num = 1, time_base_den = 1;
        std::size_t nal_length_size = 0;  // AVCC (MP4) samples: NALs prefixed by a length; 0 = Annex B
    };
    struct Frame {  // one demuxed packet, as RTP payloads
        std::size_t track = 0;
        double send_time = 0;                             // seconds, decode order: when it goes out
        std::uint32_t rtp_time = 0;                       // presentation time on the track's clock (from 0)
        std::vector<std::vector<std::uint8_t>> payloads;  // the last one carries the marker
    };

    // Opens `path` (a file libavformat can read: "/proc/self/fd/N" for a descriptor opened beneath
    // the media root); nullptr and `error` when it cannot, or holds no stream we can send.
    static std::unique_ptr<MediaFile> open(const std::string& path, std::string& error);
    ~MediaFile();
    MediaFile(const MediaFile&) = delete;

    const SessionDescription& description() const { return description_; }
    const std::vector<Track>& tracks() const { return tracks_; }
    double duration() const { return duration_; }
    // Moves to the key frame at or before `seconds`.
    bool seek(double seconds);
    // The next packet of a track we send; nullopt at the end (or a read error).
    std::optional<Frame> next();

    static constexpr std::size_t max_payload = 1400;  // under a 1500-byte MTU with IP/UDP/RTP headers

private:
    MediaFile() = default;
    void describe(const std::string& name);

    AVFormatContext* context_ = nullptr;
    AVPacket* packet_ = nullptr;
    std::vector<Track> tracks_;
    std::vector<int> track_of_stream_;  // -1 for streams we skip
    SessionDescription description_;
    double duration_ = 0;
};

}  // namespace layer7::rtsp
