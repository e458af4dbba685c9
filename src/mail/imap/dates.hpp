// IMAP dates (RFC 3501 §9 date, date-time) and the day of an RFC 5322 Date field, pure. Times are
// seconds since the epoch (UTC); days are days since the epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::mail::imap {

// "17-Jul-1996 02:44:25 +0000" (INTERNALDATE, always in UTC).
std::string format_date_time(std::int64_t seconds);
// "1-Feb-1994" or "01-Feb-1994" (SEARCH BEFORE/ON/SINCE) → days.
std::optional<std::int64_t> parse_date(std::string_view text);
// "17-Jul-1996 02:44:25 -0700" (APPEND) → seconds, the zone applied.
std::optional<std::int64_t> parse_date_time(std::string_view text);
// The day of "Tue, 1 Jul 2003 10:52:37 +0200" as written (SENTON ignores the zone, RFC 3501 §6.4.4).
std::optional<std::int64_t> parse_message_day(std::string_view field);

}  // namespace layer7::mail::imap
