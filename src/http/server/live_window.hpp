// DASH live publishing into a writable mount: which media segments have fallen out of the
// time-shift window and can go. A packager (ffmpeg's dash muxer) PUTs segments and rewrites the
// manifest; a segment whose file is older than the window, measured from the manifest's latest
// write, is no longer listed and no player will ask for it. Init segments ("init*") stay. Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace layer7::http {

struct SegmentFile {
    std::string name;       // file name in the manifest's directory
    std::int64_t mtime_ms;  // last modification, Unix milliseconds
};

// The names to remove: media segments (".m4s", ".m4v", ".m4a", ".mp4") not named "init…", written
// more than `window` before `now_ms`.
std::vector<std::string> expired_segments(const std::vector<SegmentFile>& files, std::int64_t now_ms,
                                          std::chrono::seconds window);

}  // namespace layer7::http
