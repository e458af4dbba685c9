// `layer7 stream make`: runs ffmpeg (Debian's, found on PATH) with the packaging command line and
// checks that it left an MPD behind.
#pragma once

#include <optional>
#include <string>

#include "stream/packaging.hpp"
#include "stream/program.hpp"

namespace layer7::stream {

// Starts ffmpeg for `options` as `child` (out_dir created, an old manifest removed); the reason
// when it cannot (ffmpeg not on PATH, an unwritable directory, spawn failure).
std::optional<std::string> start_packaging(const PackageOptions& options, Program& child);
// After the child exited with `status`: nullopt when the manifest is there, else why not.
std::optional<std::string> check_packaging(const PackageOptions& options, int status);

// 0 when out_dir/manifest.mpd was written; otherwise prints why (ffmpeg missing, its exit status)
// to stderr and returns 1 (2 when ffmpeg is not installed).
int make_presentation(const PackageOptions& options);

}  // namespace layer7::stream
