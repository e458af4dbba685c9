// Segments out of the live window: see live_window.hpp.
#include "http/server/live_window.hpp"

#include <string_view>

namespace layer7::http {

std::vector<std::string> expired_segments(const std::vector<SegmentFile>& files, std::int64_t now_ms,
                                          std::chrono::seconds window)
{
    std::vector<std::string> out;
    const std::int64_t oldest_kept = now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(window).count();
    for (const auto& f : files) {
        const std::string_view n = f.name;
        const bool media = n.ends_with(".m4s") || n.ends_with(".m4v") || n.ends_with(".m4a") || n.ends_with(".mp4");
        if (media && !n.starts_with("init") && !n.starts_with('.') && f.mtime_ms < oldest_kept)
            out.push_back(f.name);
    }
    return out;
}

}  // namespace layer7::http
