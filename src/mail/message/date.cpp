// RFC 5322 date-time formatting: see date.hpp.
#include "mail/message/date.hpp"

#include <cstdint>
#include <cstdio>

namespace layer7::mail {
namespace {

struct Civil {
    std::int64_t year;
    unsigned month, day;
};

// Proleptic Gregorian date of a day count since 1970-01-01 (the 400-year era method).
Civil civil_from_days(std::int64_t days)
{
    days += 719468;  // shift the epoch to 0000-03-01
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

}  // namespace

std::string format_date(std::chrono::sys_seconds time, int utc_offset_minutes)
{
    static constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::int64_t local = time.time_since_epoch().count() + std::int64_t{utc_offset_minutes} * 60;
    std::int64_t days = local / 86400;
    std::int64_t seconds = local % 86400;
    if (seconds < 0) {
        seconds += 86400;
        --days;
    }
    const Civil date = civil_from_days(days);
    const auto weekday = static_cast<unsigned>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
    const int offset = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
    char out[64];
    std::snprintf(out, sizeof out, "%s, %u %s %04lld %02d:%02d:%02d %c%02d%02d", weekdays[weekday], date.day,
                  months[date.month - 1], static_cast<long long>(date.year), static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60),
                  utc_offset_minutes < 0 ? '-' : '+', offset / 60 % 100, offset % 60);
    return out;
}

}  // namespace layer7::mail
