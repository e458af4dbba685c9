// `layer7 stream make`: the ffmpeg command line that packages a video into a DASH presentation —
// a ladder of H.264 renditions (plus AAC audio when the input has some) cut into fMP4 segments at
// the same instants, described by an MPD with a $Number$ SegmentTemplate. Pure: builds arguments.
#pragma once

#include <string>
#include <vector>

namespace layer7::stream {

struct Rendition {
    int height = 0;  // pixels; the width follows the input's aspect ratio
    int kbps = 0;    // video bitrate, also the MPD's @bandwidth
};

struct PackageOptions {
    std::string input;        // a file; empty with test_pattern
    double test_pattern = 0;  // seconds of generated video (testsrc2) and a 440 Hz tone
    std::string out_dir;
    double segment_seconds = 2;
    std::vector<Rendition> ladder{{240, 300}, {480, 800}, {720, 2000}};
    // Live: publish to `out_dir` as a URL (HTTP PUT) at the input's pace with a sliding window.
    std::string manifest_name = "manifest.mpd";
};

// argv for ffmpeg (argv[0] = `ffmpeg_path`).
std::vector<std::string> ffmpeg_arguments(const std::string& ffmpeg_path, const PackageOptions& o);

}  // namespace layer7::stream
