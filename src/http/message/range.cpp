// Range header parsing and resolution (RFC 9110 §14.1.1, §14.2).
#include "http/message/range.hpp"

#include <algorithm>
#include <optional>

#include "http/message/date.hpp"
#include "http/message/token.hpp"

namespace layer7::http {

namespace {

std::optional<std::uint64_t> read_number(std::string_view s)
{
    if (s.empty() || s.size() > 19)  // fits in uint64 without overflow checks
        return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

}  // namespace

RangeResult resolve_range(std::string_view value, std::uint64_t length, const RangeLimits& limits)
{
    RangeResult result;
    value = trim_ows(value);
    auto eq = value.find('=');
    if (eq == std::string_view::npos || !iequals(trim_ows(value.substr(0, eq)), "bytes"))
        return result;
    ListReader list(value.substr(eq + 1));
    std::string_view spec;
    std::size_t specs = 0;
    std::vector<ByteRange> ranges;
    while (list.next(spec)) {
        if (++specs > limits.max_ranges)
            return {};
        auto dash = spec.find('-');
        if (dash == std::string_view::npos)
            return {};
        std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
        if (a.empty()) {
            // suffix-range: the last N bytes
            auto n = read_number(b);
            if (!n)
                return {};
            if (*n == 0 || length == 0)
                continue;
            ranges.push_back({length - std::min(*n, length), length - 1});
            continue;
        }
        auto first = read_number(a);
        std::optional<std::uint64_t> last;
        if (!first || (!b.empty() && !(last = read_number(b))) || (last && *last < *first))
            return {};  // §14.1.1: an invalid range-set makes the whole field ignorable
        if (*first >= length)
            continue;
        ranges.push_back({*first, last ? std::min(*last, length - 1) : length - 1});
    }
    if (specs == 0)
        return {};
    if (ranges.empty()) {
        result.outcome = RangeOutcome::unsatisfiable;
        return result;
    }
    std::vector<ByteRange> sorted = ranges;
    std::sort(sorted.begin(), sorted.end(), [](auto& x, auto& y) { return x.first < y.first; });
    bool overlap = false;
    for (std::size_t i = 1; i < sorted.size(); ++i)
        overlap |= sorted[i].first <= sorted[i - 1].last + 1;
    if (overlap) {
        ranges.clear();
        for (const auto& r : sorted) {
            if (!ranges.empty() && r.first <= ranges.back().last + 1)
                ranges.back().last = std::max(ranges.back().last, r.last);
            else
                ranges.push_back(r);
        }
    }
    result.outcome = RangeOutcome::satisfiable;
    result.ranges = std::move(ranges);
    return result;
}

bool if_range_matches(std::string_view if_range, const std::optional<EntityTag>& etag,
                      std::optional<std::chrono::sys_seconds> last_modified)
{
    if (auto tag = parse_etag(if_range))
        return etag && strong_match(*tag, *etag);
    auto date = parse_http_date(trim_ows(if_range));
    return date && last_modified && *date == *last_modified;
}

std::string content_range(const ByteRange& range, std::uint64_t length)
{
    return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" + std::to_string(length);
}

std::string byteranges_part_head(std::string_view boundary, std::string_view content_type, const ByteRange& range,
                                 std::uint64_t length)
{
    std::string out = "\r\n--" + std::string(boundary) + "\r\n";
    if (!content_type.empty())
        out += "Content-Type: " + std::string(content_type) + "\r\n";
    return out + "Content-Range: " + content_range(range, length) + "\r\n\r\n";
}

std::string byteranges_end(std::string_view boundary)
{
    return "\r\n--" + std::string(boundary) + "--\r\n";
}

}  // namespace layer7::http
