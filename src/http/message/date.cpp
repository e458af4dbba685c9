// HTTP-date formatting and parsing (RFC 9110 §5.6.7).
#include "http/message/date.hpp"

#include <array>

namespace layer7::http {

namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 7> day_names = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_day_names = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                            "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* p, unsigned v)
{
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
}

// Cursor over the input: every reader fails softly and the result is checked once.
struct Cursor {
    std::string_view s;
    bool ok = true;

    bool literal(std::string_view lit)
    {
        if (!ok || s.substr(0, lit.size()) != lit)
            return ok = false;
        s.remove_prefix(lit.size());
        return true;
    }
    unsigned digits(std::size_t min, std::size_t max)
    {
        unsigned v = 0;
        std::size_t n = 0;
        while (ok && n < max && n < s.size() && s[n] >= '0' && s[n] <= '9')
            v = v * 10 + static_cast<unsigned>(s[n++] - '0');
        if (n < min)
            ok = false;
        s.remove_prefix(ok ? n : 0);
        return v;
    }
    int one_of(const auto& names)
    {
        for (std::size_t i = 0; ok && i < names.size(); ++i)
            if (s.substr(0, names[i].size()) == names[i]) {
                s.remove_prefix(names[i].size());
                return static_cast<int>(i);
            }
        ok = false;
        return -1;
    }
};

std::optional<sys_seconds> make_time(unsigned y, int mon, unsigned d, unsigned hh, unsigned mm, unsigned ss)
{
    if (hh > 23 || mm > 59 || ss > 60)  // 60: a leap second is allowed by the grammar
        return std::nullopt;
    year_month_day ymd{year{static_cast<int>(y)}, month{static_cast<unsigned>(mon + 1)}, day{d}};
    if (!ymd.ok())
        return std::nullopt;
    return sys_days{ymd} + hours{hh} + minutes{mm} + seconds{ss};
}

bool read_time(Cursor& c, unsigned& hh, unsigned& mm, unsigned& ss)
{
    hh = c.digits(2, 2);
    c.literal(":");
    mm = c.digits(2, 2);
    c.literal(":");
    ss = c.digits(2, 2);
    return c.ok;
}

}  // namespace

void append_http_date(std::string& out, sys_seconds t)
{
    sys_days days = floor<std::chrono::days>(t);
    year_month_day ymd{days};
    hh_mm_ss<seconds> tod{t - days};
    char buf[29];
    auto wd = weekday{days}.c_encoding();
    auto put = [&](std::size_t at, std::string_view s) { s.copy(buf + at, s.size()); };
    put(0, day_names[wd]);
    put(3, ", ");
    put2(buf + 5, static_cast<unsigned>(ymd.day()));
    buf[7] = ' ';
    put(8, month_names[static_cast<unsigned>(ymd.month()) - 1]);
    buf[11] = ' ';
    int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;  // the grammar has exactly four digits
    put2(buf + 12, static_cast<unsigned>(y / 100));
    put2(buf + 14, static_cast<unsigned>(y % 100));
    buf[16] = ' ';
    put2(buf + 17, static_cast<unsigned>(tod.hours().count()));
    buf[19] = ':';
    put2(buf + 20, static_cast<unsigned>(tod.minutes().count()));
    buf[22] = ':';
    put2(buf + 23, static_cast<unsigned>(tod.seconds().count()));
    put(25, " GMT");
    out.append(buf, sizeof buf);
}

std::string format_http_date(sys_seconds t)
{
    std::string s;
    append_http_date(s, t);
    return s;
}

std::optional<sys_seconds> parse_http_date(std::string_view s)
{
    unsigned hh = 0, mm = 0, ss = 0;
    if (s.size() > 3 && s[3] == ',') {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        Cursor c{s};
        c.one_of(day_names);
        c.literal(", ");
        unsigned d = c.digits(2, 2);
        c.literal(" ");
        int mon = c.one_of(month_names);
        c.literal(" ");
        unsigned y = c.digits(4, 4);
        c.literal(" ");
        read_time(c, hh, mm, ss);
        c.literal(" GMT");
        if (!c.ok || !c.s.empty())
            return std::nullopt;
        return make_time(y, mon, d, hh, mm, ss);
    }
    if (s.find(',') != std::string_view::npos) {
        // rfc850-date: Sunday, 06-Nov-94 08:49:37 GMT
        Cursor c{s};
        c.one_of(long_day_names);
        c.literal(", ");
        unsigned d = c.digits(2, 2);
        c.literal("-");
        int mon = c.one_of(month_names);
        c.literal("-");
        unsigned y = c.digits(2, 2);
        c.literal(" ");
        read_time(c, hh, mm, ss);
        c.literal(" GMT");
        if (!c.ok || !c.s.empty())
            return std::nullopt;
        return make_time(y < 70 ? 2000 + y : 1900 + y, mon, d, hh, mm, ss);
    }
    // asctime-date: Sun Nov  6 08:49:37 1994
    Cursor c{s};
    c.one_of(day_names);
    c.literal(" ");
    int mon = c.one_of(month_names);
    c.literal(" ");
    if (!c.s.empty() && c.s[0] == ' ')
        c.s.remove_prefix(1);
    unsigned d = c.digits(1, 2);
    c.literal(" ");
    read_time(c, hh, mm, ss);
    c.literal(" ");
    unsigned y = c.digits(4, 4);
    if (!c.ok || !c.s.empty())
        return std::nullopt;
    return make_time(y, mon, d, hh, mm, ss);
}

}  // namespace layer7::http
