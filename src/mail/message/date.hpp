// RFC 5322 §3.3 date-time, "Thu, 13 Feb 1969 23:32:54 -0330", from a time the caller passes.
#pragma once

#include <chrono>
#include <string>

namespace layer7::mail {

// `utc_offset_minutes` is the zone written (and applied): +60 gives "+0100".
std::string format_date(std::chrono::sys_seconds time, int utc_offset_minutes = 0);

}  // namespace layer7::mail
