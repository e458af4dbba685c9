// IMAP dates: see dates.hpp.
#include "mail/imap/dates.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace layer7::mail::imap {

namespace {

constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::optional<unsigned> month_of(std::string_view name)
{
    if (name.size() != 3)
        return std::nullopt;
    for (unsigned i = 0; i < 12; ++i) {
        bool same = true;
        for (std::size_t k = 0; k < 3; ++k)
            same = same && ((name[k] | 0x20) == (months[i][k] | 0x20));
        if (same)
            return i + 1;
    }
    return std::nullopt;
}

std::optional<int> digits(std::string_view text)
{
    int v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

std::optional<std::int64_t> days_of(int day, unsigned month, int year)
{
    const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                          std::chrono::day(static_cast<unsigned>(day))};
    if (day < 1 || year < 1000 || year > 9999 || !ymd.ok())
        return std::nullopt;
    return std::chrono::sys_days(ymd).time_since_epoch().count();
}

}  // namespace

std::string format_date_time(std::int64_t seconds)
{
    const std::chrono::sys_seconds t{std::chrono::seconds(seconds)};
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{t - day};
    char out[40];
    std::snprintf(out, sizeof out, "%02u-%s-%04d %02ld:%02ld:%02ld +0000", static_cast<unsigned>(ymd.day()),
                  months[static_cast<unsigned>(ymd.month()) - 1].data(), static_cast<int>(ymd.year()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()));
    return out;
}

std::optional<std::int64_t> parse_date(std::string_view text)
{
    const auto a = text.find('-');
    const auto b = text.find('-', a == std::string_view::npos ? a : a + 1);
    if (a == std::string_view::npos || b == std::string_view::npos)
        return std::nullopt;
    auto day = digits(text.substr(0, a));
    auto month = month_of(text.substr(a + 1, b - a - 1));
    auto year = digits(text.substr(b + 1));
    if (!day || !month || !year || text.substr(0, a).size() > 2)
        return std::nullopt;
    return days_of(*day, *month, *year);
}

std::optional<std::int64_t> parse_date_time(std::string_view text)
{
    // "dd-Mon-yyyy hh:mm:ss +zzzz", the day possibly space-padded.
    if (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    const auto sp = text.find(' ');
    if (sp == std::string_view::npos || text.size() != sp + 15 || text[sp + 3] != ':' || text[sp + 6] != ':' ||
        text[sp + 9] != ' ' || (text[sp + 10] != '+' && text[sp + 10] != '-'))
        return std::nullopt;
    auto days = parse_date(text.substr(0, sp));
    auto h = digits(text.substr(sp + 1, 2)), m = digits(text.substr(sp + 4, 2)), s = digits(text.substr(sp + 7, 2));
    auto zone = digits(text.substr(sp + 11, 4));
    if (!days || !h || !m || !s || !zone || *h > 23 || *m > 59 || *s > 60 || *zone % 100 > 59)
        return std::nullopt;
    const int offset = (*zone / 100 * 60 + *zone % 100) * 60 * (text[sp + 10] == '-' ? -1 : 1);
    return *days * 86400 + *h * 3600 + *m * 60 + *s - offset;
}

std::optional<std::int64_t> parse_message_day(std::string_view field)
{
    if (const auto comma = field.find(','); comma != std::string_view::npos)
        field.remove_prefix(comma + 1);
    auto word = [&field]() {
        while (!field.empty() && (field.front() == ' ' || field.front() == '\t'))
            field.remove_prefix(1);
        const auto end = field.find_first_of(" \t");
        std::string_view w = field.substr(0, end);
        field.remove_prefix(w.size());
        return w;
    };
    auto day = digits(word());
    auto month = month_of(word());
    auto year = digits(word());
    if (!day || !month || !year)
        return std::nullopt;
    if (*year < 50)  // RFC 5322 §4.3 obsolete two-digit years
        *year += 2000;
    else if (*year < 1000)
        *year += 1900;
    return days_of(*day, *month, *year);
}

}  // namespace layer7::mail::imap
