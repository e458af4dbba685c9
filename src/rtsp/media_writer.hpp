// MediaWriter: what `layer7 rtsp play --out F` writes. The received frames go in unchanged (no
// re-encoding), muxed by libavformat into the container F's extension names — .mkv, .mp4, .ts, … —
// so ffprobe and players read it, audio beside video on the playout buffer's clock. A .h264 (or
// .264) file is the first H.264 track alone as an Annex B elementary stream.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "rtsp/track_receiver.hpp"

struct AVFormatContext;
struct AVPacket;

namespace layer7::rtsp {

class MediaWriter {
public:
    // A file with a stream for each track it can carry (H.264, AAC, Opus); nullptr with `error`
    // set when it cannot be written or would be empty.
    static std::unique_ptr<MediaWriter> open(const std::string& path, const std::vector<Media>& tracks,
                                             std::string& error);
    ~MediaWriter();
    MediaWriter(const MediaWriter&) = delete;
    MediaWriter& operator=(const MediaWriter&) = delete;

    bool carries(std::size_t track) const { return track < streams_.size() && streams_[track] >= 0; }
    // The streams written, as "h264 + aac" for the report.
    std::string summary() const;
    // Frames of one track, in playout order. Until the first H.264 key frame, video is skipped
    // (a picture without its reference cannot be decoded).
    void write(std::size_t track, const Frame& frame);
    // The trailer (MP4's index); "" or why it failed. Called once, before the destructor.
    std::string finish();

private:
    MediaWriter() = default;

    AVFormatContext* context_ = nullptr;
    AVPacket* packet_ = nullptr;
    bool header_written_ = false;
    bool failed_ = false;
    std::vector<int> streams_;            // per track: the stream index, or -1
    std::vector<std::int64_t> last_dts_;  // per stream, to keep the muxer's order
    std::vector<bool> video_started_;     // per stream: a key frame came
    std::string parameter_sets_;          // H.264 SPS/PPS, put before the first key frame
    std::int64_t origin_us_ = -1;         // the first frame's playout time: time zero
};

}  // namespace layer7::rtsp
