// The DASH MPD parser and segment addressing: see mpd.hpp.
#include "stream/mpd.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

namespace layer7::stream {

namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s)
{
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
        return std::nullopt;
    return v;
}

std::optional<std::int64_t> parse_i64(std::string_view s)
{
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
        return std::nullopt;
    return v;
}

// Non-negative decimal with an optional fraction: "3", "3.25".
std::optional<double> parse_decimal(std::string_view s)
{
    const auto dot = s.find('.');
    const auto whole = parse_u64(s.substr(0, dot));
    if (!whole || *whole > (1ULL << 40))
        return std::nullopt;
    double v = static_cast<double>(*whole);
    if (dot != std::string_view::npos) {
        const auto frac = s.substr(dot + 1);
        if (frac.empty() || frac.size() > 9 || !parse_u64(frac))
            return std::nullopt;
        v += static_cast<double>(*parse_u64(frac)) / std::pow(10.0, static_cast<double>(frac.size()));
    }
    return v;
}

// Reads attributes into the model, remembering the first one that did not parse.
class Attributes {
public:
    Attributes(const XmlElement& e, std::string& bad) : e_(e), bad_(bad) {}

    std::optional<std::string_view> text(std::string_view name) const { return e_.attribute(name); }
    template <class T, class Parse>
    void read(std::string_view name, T& out, Parse parse)
    {
        const auto v = e_.attribute(name);
        if (!v)
            return;
        if (auto parsed = parse(*v))
            out = *parsed;
        else if (bad_.empty())
            bad_ = e_.name + "@" + std::string(name) + "=\"" + std::string(v->substr(0, 64)) + "\"";
    }
    void u64(std::string_view name, std::uint64_t& out) { read(name, out, parse_u64); }
    void duration(std::string_view name, std::optional<double>& out) { read(name, out, parse_iso_duration); }
    void integer(std::string_view name, int& out)
    {
        read(name, out, [](std::string_view s) -> std::optional<int> {
            auto v = parse_u64(s);
            return v && *v <= 100000 ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
        });
    }

private:
    const XmlElement& e_;
    std::string& bad_;
};

// Applies a <SegmentTemplate> over the inherited one (§5.3.9.4: inner attributes win).
void merge_template(const XmlElement& e, SegmentTemplate& t, std::string& bad, std::size_t max_segments)
{
    Attributes a(e, bad);
    if (auto v = a.text("media"))
        t.media = *v;
    if (auto v = a.text("initialization"))
        t.initialization = *v;
    a.u64("timescale", t.timescale);
    a.u64("duration", t.duration);
    a.u64("startNumber", t.start_number);
    a.u64("presentationTimeOffset", t.presentation_time_offset);
    if (t.timescale == 0 && bad.empty())
        bad = "SegmentTemplate@timescale=\"0\"";
    const XmlElement* timeline = e.first("SegmentTimeline");
    if (!timeline)
        return;
    t.timeline.clear();
    for (const auto* s : timeline->all("S")) {
        if (t.timeline.size() >= max_segments) {
            if (bad.empty())
                bad = "SegmentTimeline: too many S elements";
            return;
        }
        TimelineEntry entry;
        Attributes sa(*s, bad);
        sa.read("t", entry.t, parse_u64);
        sa.u64("d", entry.d);
        sa.read("r", entry.r, parse_i64);
        if ((entry.d == 0 || entry.r < -1) && bad.empty())
            bad = "S@d or S@r out of range";
        t.timeline.push_back(entry);
    }
}

void add_base_url(const XmlElement& e, std::vector<std::string>& urls)
{
    if (const XmlElement* b = e.first("BaseURL")) {
        std::string url = b->text;
        const auto first = url.find_first_not_of(" \t\r\n");
        const auto last = url.find_last_not_of(" \t\r\n");
        url = first == std::string::npos ? std::string() : url.substr(first, last - first + 1);
        if (!url.empty())
            urls.push_back(url);
    }
}

}  // namespace

std::optional<double> parse_iso_duration(std::string_view s)
{
    if (!s.starts_with('P') || s.size() < 3)
        return std::nullopt;
    s.remove_prefix(1);
    double total = 0;
    bool in_time = false, any = false;
    int last_rank = 0;  // D, H, M, S must come in this order, each at most once
    while (!s.empty()) {
        if (s.front() == 'T') {
            if (in_time)
                return std::nullopt;
            in_time = true;
            s.remove_prefix(1);
            continue;
        }
        std::size_t i = 0;
        while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            ++i;
        if (i == 0 || i == s.size())
            return std::nullopt;
        const auto value = parse_decimal(s.substr(0, i));
        if (!value)
            return std::nullopt;
        const char unit = s[i];
        double scale = 0;
        int rank = 0;
        if (!in_time && unit == 'D')
            scale = 86400, rank = 1;
        else if (in_time && unit == 'H')
            scale = 3600, rank = 2;
        else if (in_time && unit == 'M')
            scale = 60, rank = 3;
        else if (in_time && unit == 'S')
            scale = 1, rank = 4;
        else
            return std::nullopt;  // Y and M (months) have no fixed length
        if (rank <= last_rank)
            return std::nullopt;
        last_rank = rank;
        total += *value * scale;
        any = true;
        s.remove_prefix(i + 1);
    }
    return any ? std::optional<double>(total) : std::nullopt;
}

std::optional<std::int64_t> parse_date_time(std::string_view s)
{
    // YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    const auto y = parse_u64(s.substr(0, 4)), mo = parse_u64(s.substr(5, 2)), d = parse_u64(s.substr(8, 2)),
               h = parse_u64(s.substr(11, 2)), mi = parse_u64(s.substr(14, 2)), se = parse_u64(s.substr(17, 2));
    if (!y || !mo || !d || !h || !mi || !se || *h > 23 || *mi > 59 || *se > 60)
        return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(*y)),
                                          std::chrono::month(static_cast<unsigned>(*mo)),
                                          std::chrono::day(static_cast<unsigned>(*d))};
    if (!ymd.ok())
        return std::nullopt;
    std::int64_t ms = std::chrono::sys_days(ymd).time_since_epoch().count() * 86400000LL +
                      static_cast<std::int64_t>(*h * 3600 + *mi * 60 + *se) * 1000;
    s.remove_prefix(19);
    if (s.starts_with('.')) {
        std::size_t i = 1;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i;
        const auto frac = s.substr(1, i - 1);
        if (frac.empty())
            return std::nullopt;
        const auto millis = frac.substr(0, 3);
        ms += static_cast<std::int64_t>(*parse_u64(millis) * (millis.size() == 1 ? 100 : millis.size() == 2 ? 10 : 1));
        s.remove_prefix(i);
    }
    if (s.empty() || s == "Z")
        return ms;
    if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
        return std::nullopt;
    const auto oh = parse_u64(s.substr(1, 2)), om = parse_u64(s.substr(4, 2));
    if (!oh || !om || *oh > 14 || *om > 59)
        return std::nullopt;
    const std::int64_t offset = static_cast<std::int64_t>(*oh * 60 + *om) * 60000;
    return s[0] == '+' ? ms - offset : ms + offset;
}

const AdaptationSet* Mpd::adaptation_set(std::string_view content_type) const
{
    if (periods.empty())
        return nullptr;
    for (const auto& a : periods.front().adaptation_sets)
        if (a.content_type == content_type)
            return &a;
    return nullptr;
}

std::string MpdError::describe() const
{
    switch (code) {
    case MpdErrorCode::xml: return "malformed MPD: " + detail;
    case MpdErrorCode::not_mpd: return "not an MPD: the root element is <" + detail + ">";
    case MpdErrorCode::bad_attribute: return "bad MPD attribute: " + detail;
    case MpdErrorCode::no_periods: return "MPD has no Period with a Representation";
    case MpdErrorCode::no_segment_template: return "unsupported addressing (only SegmentTemplate): " + detail;
    case MpdErrorCode::too_many: return "MPD over a limit: " + detail;
    }
    return detail;
}

core::Result<Mpd, MpdError> parse_mpd(std::string_view xml, const MpdLimits& limits)
{
    auto doc = parse_xml(xml, limits.xml);
    if (!doc)
        return core::fail(MpdError{MpdErrorCode::xml, doc.error().describe()});
    const XmlElement& root = *doc;
    if (root.name != "MPD")
        return core::fail(MpdError{MpdErrorCode::not_mpd, root.name.substr(0, 64)});
    Mpd mpd;
    std::string bad;
    Attributes a(root, bad);
    const auto type = root.attribute("type").value_or("static");
    if (type != "static" && type != "dynamic")
        bad = "MPD@type=\"" + std::string(type.substr(0, 64)) + "\"";
    mpd.dynamic = type == "dynamic";
    a.read("availabilityStartTime", mpd.availability_start_ms, parse_date_time);
    a.read("publishTime", mpd.publish_time_ms, parse_date_time);
    a.duration("mediaPresentationDuration", mpd.media_presentation_duration);
    a.duration("minimumUpdatePeriod", mpd.minimum_update_period);
    a.duration("timeShiftBufferDepth", mpd.time_shift_buffer_depth);
    a.duration("suggestedPresentationDelay", mpd.suggested_presentation_delay);
    std::optional<double> min_buffer;
    a.duration("minBufferTime", min_buffer);
    mpd.min_buffer_time = min_buffer.value_or(mpd.min_buffer_time);
    if (mpd.dynamic && !mpd.availability_start_ms && bad.empty())
        bad = "MPD@availabilityStartTime is required when type=\"dynamic\"";
    std::vector<std::string> mpd_urls;
    add_base_url(root, mpd_urls);

    const auto periods = root.all("Period");
    if (periods.size() > limits.max_periods)
        return core::fail(MpdError{MpdErrorCode::too_many, std::to_string(periods.size()) + " periods"});
    double next_start = 0;
    for (const auto* pe : periods) {
        Period period;
        Attributes pa(*pe, bad);
        period.id = pe->attribute("id").value_or("");
        std::optional<double> start;
        pa.duration("start", start);
        period.start = start.value_or(next_start);
        pa.duration("duration", period.duration);
        if (!period.duration && periods.size() == 1 && mpd.media_presentation_duration)
            period.duration = *mpd.media_presentation_duration - period.start;
        next_start = period.start + period.duration.value_or(0);
        auto period_urls = mpd_urls;
        add_base_url(*pe, period_urls);
        SegmentTemplate period_template;
        if (const auto* t = pe->first("SegmentTemplate"))
            merge_template(*t, period_template, bad, limits.max_segments);
        for (const auto* ae : pe->all("AdaptationSet")) {
            AdaptationSet set;
            set.content_type = ae->attribute("contentType").value_or("");
            const std::string set_mime(ae->attribute("mimeType").value_or(""));
            auto set_urls = period_urls;
            add_base_url(*ae, set_urls);
            SegmentTemplate set_template = period_template;
            if (const auto* t = ae->first("SegmentTemplate"))
                merge_template(*t, set_template, bad, limits.max_segments);
            const auto reps = ae->all("Representation");
            if (reps.size() > limits.max_representations)
                return core::fail(MpdError{MpdErrorCode::too_many, std::to_string(reps.size()) + " representations"});
            for (const auto* re : reps) {
                Representation r;
                Attributes ra(*re, bad);
                r.id = re->attribute("id").value_or("");
                if (r.id.empty() && bad.empty())
                    bad = "Representation@id missing";
                if (!re->attribute("bandwidth") && bad.empty())
                    bad = "Representation@bandwidth missing (id \"" + r.id.substr(0, 64) + "\")";
                ra.u64("bandwidth", r.bandwidth);
                ra.integer("width", r.width);
                ra.integer("height", r.height);
                r.codecs = re->attribute("codecs").value_or(ae->attribute("codecs").value_or(""));
                r.mime_type = re->attribute("mimeType").value_or(set_mime);
                r.base_urls = set_urls;
                add_base_url(*re, r.base_urls);
                r.segments = set_template;
                if (const auto* t = re->first("SegmentTemplate"))
                    merge_template(*t, r.segments, bad, limits.max_segments);
                if (r.segments.media.empty())
                    return core::fail(
                        MpdError{MpdErrorCode::no_segment_template, "Representation \"" + r.id.substr(0, 64) + "\""});
                if (r.segments.duration == 0 && r.segments.timeline.empty() && bad.empty())
                    bad = "SegmentTemplate needs @duration or a SegmentTimeline (Representation \"" +
                          r.id.substr(0, 64) + "\")";
                set.representations.push_back(std::move(r));
            }
            if (set.content_type.empty()) {
                const std::string mime =
                    set_mime.empty() && !set.representations.empty() ? set.representations[0].mime_type : set_mime;
                set.content_type = mime.substr(0, mime.find('/'));
            }
            std::stable_sort(
                set.representations.begin(), set.representations.end(),
                [](const Representation& x, const Representation& y) { return x.bandwidth < y.bandwidth; });
            if (!set.representations.empty())
                period.adaptation_sets.push_back(std::move(set));
        }
        if (!bad.empty())
            break;
        mpd.periods.push_back(std::move(period));
    }
    if (!bad.empty())
        return core::fail(MpdError{MpdErrorCode::bad_attribute, bad});
    if (mpd.periods.empty() || mpd.periods.front().adaptation_sets.empty())
        return core::fail(MpdError{MpdErrorCode::no_periods, ""});
    return mpd;
}

std::vector<Segment> list_segments(const SegmentTemplate& t, double seconds, std::size_t max, bool whole_only)
{
    std::vector<Segment> out;
    const double end_units = std::max(0.0, seconds) * static_cast<double>(t.timescale);
    if (t.timeline.empty()) {
        if (t.duration == 0)
            return out;
        const double count = end_units / static_cast<double>(t.duration);
        const auto n = static_cast<std::uint64_t>(
            std::min(static_cast<double>(max), whole_only ? std::floor(count) : std::ceil(count - 1e-9)));
        for (std::uint64_t i = 0; i < n; ++i)
            out.push_back({t.start_number + i, t.presentation_time_offset + i * t.duration, t.duration});
        return out;
    }
    std::uint64_t time = 0;
    for (std::size_t i = 0; i < t.timeline.size() && out.size() < max; ++i) {
        const auto& s = t.timeline[i];
        if (s.t)
            time = *s.t;
        std::int64_t repeats = s.r;
        if (s.r < 0) {  // until the next S's start, else to the end of what `seconds` covers
            const std::optional<std::uint64_t> next = i + 1 < t.timeline.size() ? t.timeline[i + 1].t : std::nullopt;
            const double until =
                next ? static_cast<double>(*next) : static_cast<double>(t.presentation_time_offset) + end_units;
            const double count = std::ceil((until - static_cast<double>(time)) / static_cast<double>(s.d));
            repeats = until > static_cast<double>(time)
                          ? static_cast<std::int64_t>(std::min(count, static_cast<double>(max))) - 1
                          : 0;
        }
        for (std::int64_t k = 0; k <= repeats && out.size() < max; ++k) {
            out.push_back({t.start_number + out.size(), time, s.d});
            time += s.d;
        }
    }
    return out;
}

std::optional<std::string> expand_template(std::string_view pattern, const Representation& r, std::uint64_t number,
                                           std::uint64_t time)
{
    std::string out;
    std::size_t i = 0;
    while (i < pattern.size()) {
        const auto dollar = pattern.find('$', i);
        if (dollar == std::string_view::npos) {
            out.append(pattern.substr(i));
            break;
        }
        out.append(pattern.substr(i, dollar - i));
        const auto close = pattern.find('$', dollar + 1);
        if (close == std::string_view::npos)
            return std::nullopt;
        const auto tag = pattern.substr(dollar + 1, close - dollar - 1);
        i = close + 1;
        if (tag.empty()) {  // "$$" is a literal '$'
            out.push_back('$');
            continue;
        }
        const auto percent = tag.find('%');
        const auto name = tag.substr(0, percent);
        std::size_t width = 0;
        if (percent != std::string_view::npos) {  // %0[width]d (§5.3.9.4.4, Table 16)
            const auto format = tag.substr(percent + 1);
            if (format.empty() || format.back() != 'd' || name == "RepresentationID")
                return std::nullopt;
            const auto digits = format.substr(0, format.size() - 1);
            if (!digits.empty()) {
                const auto w = parse_u64(digits);
                if (!w || *w > 32)
                    return std::nullopt;
                width = *w;
            }
        }
        std::string value;
        if (name == "RepresentationID")
            value = r.id;
        else if (name == "Number")
            value = std::to_string(number);
        else if (name == "Time")
            value = std::to_string(time);
        else if (name == "Bandwidth")
            value = std::to_string(r.bandwidth);
        else
            return std::nullopt;
        if (value.size() < width)
            value.insert(0, width - value.size(), '0');
        out += value;
    }
    return out;
}

}  // namespace layer7::stream
