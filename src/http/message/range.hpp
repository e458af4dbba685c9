// Range requests (RFC 9110 §14): parse `bytes=0-99,200-,-500` and resolve it against a length;
// If-Range (§13.1.5), Content-Range (§14.4) and multipart/byteranges framing (§14.6). Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message/etag.hpp"

namespace layer7::http {

struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;  // inclusive
    std::uint64_t length() const { return last - first + 1; }
    friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

struct RangeLimits {
    // §14.2 lets a server ignore "many small ranges" (a denial-of-service pattern); Apache uses 200.
    std::size_t max_ranges = 100;
};

enum class RangeOutcome {
    ignored,        // absent, not "bytes", malformed or over a limit: send 200 with the whole content
    satisfiable,    // send 206 with `ranges`
    unsatisfiable,  // send 416 with Content-Range: bytes */length (§15.5.17)
};

struct RangeResult {
    RangeOutcome outcome = RangeOutcome::ignored;
    std::vector<ByteRange> ranges;  // in request order, or sorted and merged if any overlapped
};

// Unsatisfiable specs are dropped (§14.1.1); overlapping or adjacent ranges are coalesced (§14.2).
RangeResult resolve_range(std::string_view range_value, std::uint64_t length, const RangeLimits& limits = {});

// §13.1.5: whether an If-Range value selects the current representation: an entity-tag must match
// strongly, a date must equal Last-Modified exactly. A malformed value selects nothing.
bool if_range_matches(std::string_view if_range, const std::optional<EntityTag>& etag,
                      std::optional<std::chrono::sys_seconds> last_modified);
// §14.4: "bytes 0-99/1234".
std::string content_range(const ByteRange& range, std::uint64_t length);
// §14.6: the delimiter and head of one part ("\r\n--B\r\nContent-Type: …\r\nContent-Range: …\r\n\r\n"),
// and the close delimiter that ends the body.
std::string byteranges_part_head(std::string_view boundary, std::string_view content_type, const ByteRange& range,
                                 std::uint64_t length);
std::string byteranges_end(std::string_view boundary);

}  // namespace layer7::http
