// MediaOut: what `layer7 stream play --out F` writes. Each media segment is read by libavformat
// together with its own rendition's init segment, and its samples are muxed, unchanged but for the
// H.264 parameter sets the splice puts in band at each switch (rendition_splice.hpp), into one
// video track of the container F's extension names (.mp4, .mkv, .ts, …), timed from zero. The
// renditions keep their own picture sizes; ffmpeg and ffplay follow the change at the switch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "stream/rendition_splice.hpp"

struct AVFormatContext;
struct AVPacket;

namespace layer7::stream {

class MediaOut {
public:
    // A file at `path`, written from the first segment on; nullptr with `error` set when no
    // container fits its name.
    static std::unique_ptr<MediaOut> open(const std::string& path, std::string& error);
    ~MediaOut();
    MediaOut(const MediaOut&) = delete;
    MediaOut& operator=(const MediaOut&) = delete;

    // Appends one media segment, read with `init` (its rendition's init segment); "" or why it
    // could not be (an unreadable segment, a file that cannot be written).
    std::string write(std::string_view init, std::string_view media);
    // The trailer (MP4's index); "" or why it failed. Called once, after the last write().
    std::string finish();
    std::size_t switches() const { return splice_.switches(); }

private:
    MediaOut() = default;
    std::string start(const AVFormatContext& input, int stream);

    std::string path_;
    AVFormatContext* context_ = nullptr;
    AVPacket* packet_ = nullptr;
    bool header_written_ = false;
    bool h264_ = false;  // samples go through the splice
    RenditionSplice splice_;
    std::int64_t origin_ = INT64_MIN;    // the first sample's decode time: time zero (output ticks)
    std::int64_t last_dts_ = INT64_MIN;  // to keep the muxer's order
};

}  // namespace layer7::stream
