// The DASH Media Presentation Description (ISO/IEC 23009-1) as players need it: Periods,
// AdaptationSets, Representations, SegmentTemplate ($Number$/$Time$ addressing, SegmentTimeline),
// BaseURL, static and dynamic (live) presentations. parse_mpd() reads the XML with limits and
// checks what a player relies on; segment lists and URLs come from the helpers below. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "stream/xml.hpp"

namespace layer7::stream {

// One <S t d r> of a SegmentTimeline (§5.3.9.6); r = -1 repeats up to the next S or the period end.
struct TimelineEntry {
    std::optional<std::uint64_t> t;
    std::uint64_t d = 0;
    std::int64_t r = 0;
};

// §5.3.9.4; inherited AdaptationSet → Representation, the inner one's attributes winning.
struct SegmentTemplate {
    std::string media;           // "chunk-$RepresentationID$-$Number%05d$.m4s"
    std::string initialization;  // "init-$RepresentationID$.m4s"
    std::uint64_t timescale = 1;
    std::uint64_t duration = 0;  // 0: the timeline gives durations
    std::uint64_t start_number = 1;
    std::uint64_t presentation_time_offset = 0;
    std::vector<TimelineEntry> timeline;
};

struct Representation {
    std::string id;
    std::uint64_t bandwidth = 0;  // bit/s
    int width = 0, height = 0;
    std::string codecs, mime_type;
    std::vector<std::string> base_urls;  // BaseURLs from MPD down to here, each relative to the one before
    SegmentTemplate segments;
};

struct AdaptationSet {
    std::string content_type;                     // "video", "audio", … (from contentType or mimeType)
    std::vector<Representation> representations;  // sorted by bandwidth, lowest first
};

struct Period {
    std::string id;
    double start = 0;                // seconds
    std::optional<double> duration;  // seconds
    std::vector<AdaptationSet> adaptation_sets;
};

struct Mpd {
    bool dynamic = false;                               // type="dynamic": live
    std::optional<std::int64_t> availability_start_ms;  // Unix epoch milliseconds
    std::optional<std::int64_t> publish_time_ms;
    std::optional<double> media_presentation_duration, minimum_update_period, time_shift_buffer_depth,
        suggested_presentation_delay;
    double min_buffer_time = 2;
    std::vector<Period> periods;

    // The first adaptation set of `content_type` in the first period, or null.
    const AdaptationSet* adaptation_set(std::string_view content_type) const;
};

struct MpdLimits {
    XmlLimits xml;
    std::size_t max_periods = 16;
    std::size_t max_representations = 64;  // per adaptation set
    std::size_t max_segments = 200000;     // a timeline expanded, per representation
};

enum class MpdErrorCode { xml, not_mpd, bad_attribute, no_periods, no_segment_template, too_many };

struct MpdError {
    MpdErrorCode code;
    std::string detail;  // the XML error, or which element and attribute
    std::string describe() const;
};

core::Result<Mpd, MpdError> parse_mpd(std::string_view xml, const MpdLimits& limits = {});

// xs:duration as used by MPDs: "PT1H2M3.5S", "P1DT2H" (years and months refused: not a fixed length).
std::optional<double> parse_iso_duration(std::string_view text);
// xs:dateTime: "2026-12-03T13:42:18.5Z" or with "+01:00"; no zone means UTC. Unix milliseconds.
std::optional<std::int64_t> parse_date_time(std::string_view text);

// One media segment of a representation.
struct Segment {
    std::uint64_t number = 0;
    std::uint64_t time = 0;      // in timescale units
    std::uint64_t duration = 0;  // in timescale units
};

// The segments of a representation from its template: the timeline expanded, or numbered segments
// of `duration` covering `seconds` of the period (a last partial one included unless `whole_only`:
// a live edge lists only segments already complete). At most `max` segments.
std::vector<Segment> list_segments(const SegmentTemplate& t, double seconds, std::size_t max, bool whole_only = false);

// §5.3.9.4.4: $RepresentationID$, $Number$, $Time$, $Bandwidth$ with optional %0Nd, and $$.
// nullopt when a tag is unknown or malformed.
std::optional<std::string> expand_template(std::string_view pattern, const Representation& r, std::uint64_t number,
                                           std::uint64_t time);

}  // namespace layer7::stream
