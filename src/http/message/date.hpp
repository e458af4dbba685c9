// HTTP-date (RFC 9110 §5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in.
// Pure: the caller supplies the time, nothing here reads a clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::http {

// "Sun, 06 Nov 1994 08:49:37 GMT" (always 29 bytes).
std::string format_http_date(std::chrono::sys_seconds t);
// Appends the same 29 bytes without a temporary string (hot path: the Date field).
void append_http_date(std::string& out, std::chrono::sys_seconds t);
// Accepts the three forms of §5.6.7; RFC 850 two-digit years are read per RFC 6265's rule
// (70–99 → 19xx, 00–69 → 20xx). Returns nullopt for anything else.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view s);

}  // namespace layer7::http
