// The ffmpeg command line for DASH packaging: see packaging.hpp.
#include "stream/packaging.hpp"

#include <cstdio>

namespace layer7::stream {

namespace {

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace

std::vector<std::string> ffmpeg_arguments(const std::string& ffmpeg_path, const PackageOptions& o)
{
    std::vector<std::string> a{ffmpeg_path, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"};
    if (o.test_pattern > 0) {
        a.insert(a.end(), {"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-f", "lavfi", "-i",
                           "sine=frequency=440:sample_rate=48000", "-t", number(o.test_pattern)});
    } else {
        a.insert(a.end(), {"-i", o.input});
    }
    const std::string audio_input = o.test_pattern > 0 ? "1:a:0" : "0:a:0?";  // '?': none is fine
    for (std::size_t i = 0; i < o.ladder.size(); ++i)
        a.insert(a.end(), {"-map", "0:v:0"});
    a.insert(a.end(), {"-map", audio_input});
    // Every rendition gets a key frame at the same instants, so segments align and a player can
    // switch at any boundary; parameter sets also repeat in band, for players that append
    // segments of different renditions to one decoder without their init segments.
    // A test pattern needs no quality per bit: the fastest preset spares the CPU.
    const std::string preset = o.test_pattern > 0 ? "ultrafast" : "veryfast";
    a.insert(a.end(), {"-c:v", "libx264", "-preset", preset, "-profile:v", "main", "-pix_fmt", "yuv420p",
                       "-sc_threshold", "0", "-force_key_frames",
                       "expr:gte(t,n_forced*" + number(o.segment_seconds) + ")", "-x264-params", "repeat-headers=1"});
    for (std::size_t i = 0; i < o.ladder.size(); ++i) {
        const auto n = std::to_string(i);
        const int kbps = o.ladder[i].kbps;
        a.insert(a.end(), {"-filter:v:" + n, "scale=-2:" + std::to_string(o.ladder[i].height), "-b:v:" + n,
                           std::to_string(kbps) + "k", "-maxrate:v:" + n, std::to_string(kbps * 6 / 5) + "k",
                           "-bufsize:v:" + n, std::to_string(kbps * 2) + "k"});
    }
    a.insert(a.end(), {"-c:a", "aac", "-b:a", "96k", "-ac", "2"});
    a.insert(a.end(), {"-f", "dash", "-seg_duration", number(o.segment_seconds), "-use_template", "1", "-use_timeline",
                       "0", "-adaptation_sets", "id=0,streams=v id=1,streams=a", o.out_dir + "/" + o.manifest_name});
    return a;
}

}  // namespace layer7::stream
