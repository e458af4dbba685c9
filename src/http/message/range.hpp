// Range requests (RFC 9110 §14): parse `bytes=0-99,200-,-500` and resolve it against a length.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

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

}  // namespace layer7::http
