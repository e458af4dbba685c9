// Fuzzes the MPD parser (and the XML reader under it): whatever parses must give segment lists and
// template expansions within their bounds; the same input parses the same way twice.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "stream/mpd.hpp"

using namespace layer7::stream;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    MpdLimits limits;
    limits.max_segments = 1000;
    auto mpd = parse_mpd(input, limits);
    auto again = parse_mpd(input, limits);
    check(mpd.ok() == again.ok());
    if (!mpd) {
        check(mpd.error().code == again.error().code && !mpd.error().describe().empty());
        return 0;
    }
    check(!mpd->periods.empty() && !mpd->periods.front().adaptation_sets.empty());
    for (const auto& period : mpd->periods)
        for (const auto& set : period.adaptation_sets) {
            check(!set.representations.empty() && set.representations.size() <= limits.max_representations);
            for (std::size_t i = 1; i < set.representations.size(); ++i)
                check(set.representations[i - 1].bandwidth <= set.representations[i].bandwidth);
            for (const auto& r : set.representations) {
                check(r.segments.timescale > 0 && !r.segments.media.empty());
                const auto segments = list_segments(r.segments, period.duration.value_or(60), 100);
                check(segments.size() <= 100);
                for (const auto& s : segments) {
                    if (auto url = expand_template(r.segments.media, r, s.number, s.time))
                        check(url->size() <= r.segments.media.size() + 64 * 20);
                }
            }
        }
    return 0;
}
