// LIST / NLST / MLSD formatting: see listing.hpp.
#include "ftp/listing.hpp"

#include <cstdio>

namespace layer7::ftp {

namespace {

struct Civil {
    std::int64_t year;
    unsigned month, day, hour, minute, second;
};

// Days since 1970-01-01 to a proleptic Gregorian date (the "civil_from_days" algorithm).
Civil civil(std::int64_t t)
{
    std::int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        --days;
    }
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
    const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (m <= 2),
            m,
            d,
            static_cast<unsigned>(secs / 3600),
            static_cast<unsigned>(secs / 60 % 60),
            static_cast<unsigned>(secs % 60)};
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string mode_string(const FileInfo& f)
{
    std::string s = f.directory ? "d" : "-";
    const char* rwx = "rwx";
    for (int i = 8; i >= 0; --i)
        s += (f.mode >> i & 1) ? rwx[(8 - i) % 3] : '-';
    return s;
}

}  // namespace

std::string list_line(const FileInfo& f, std::int64_t now)
{
    const Civil c = civil(f.mtime);
    char when[32];
    constexpr std::int64_t six_months = 182 * 86400;
    if (f.mtime > now - six_months && f.mtime < now + 86400)
        std::snprintf(when, sizeof when, "%s %2u %02u:%02u", month_names[c.month - 1], c.day, c.hour, c.minute);
    else
        std::snprintf(when, sizeof when, "%s %2u  %lld", month_names[c.month - 1], c.day,
                      static_cast<long long>(c.year));
    char head[96];
    std::snprintf(head, sizeof head, "%s %4u %-8s %-8s %12llu %s ", mode_string(f).c_str(), f.links, "ftp", "ftp",
                  static_cast<unsigned long long>(f.size), when);
    return head + f.name;
}

std::string mlsd_line(const FileInfo& f, bool writable)
{
    std::string perm = f.directory ? (writable ? "cdeflmp" : "el") : (writable ? "adfrw" : "r");
    char mode[16];
    std::snprintf(mode, sizeof mode, "%04o", f.mode & 07777);
    std::string out = f.directory ? "type=dir;" : "type=file;size=" + std::to_string(f.size) + ";";
    if (f.directory)
        out += "sizd=" + std::to_string(f.size) + ";";
    out += "modify=" + timeval(f.mtime) + ";perm=" + perm + ";unix.mode=" + mode + "; " + f.name;
    return out;
}

std::string format_listing(const std::vector<FileInfo>& files, ListFormat format, std::int64_t now, bool writable)
{
    std::string out;
    for (const auto& f : files) {
        switch (format) {
        case ListFormat::list: out += list_line(f, now); break;
        case ListFormat::nlst: out += f.name; break;
        case ListFormat::mlsd: out += mlsd_line(f, writable); break;
        }
        out += "\r\n";
    }
    return out;
}

std::string timeval(std::int64_t t)
{
    const Civil c = civil(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld%02u%02u%02u%02u%02u", static_cast<long long>(c.year), c.month, c.day, c.hour,
                  c.minute, c.second);
    return buf;
}

bool parse_timeval(std::string_view text, std::int64_t& out)
{
    if (text.size() < 14)
        return false;
    unsigned v[14];
    for (int i = 0; i < 14; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v[i] = static_cast<unsigned>(text[i] - '0');
    }
    if (text.size() > 14 && text[14] != '.')  // optional fraction, ignored
        return false;
    const std::int64_t year = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    const unsigned month = v[4] * 10 + v[5], day = v[6] * 10 + v[7];
    const unsigned hour = v[8] * 10 + v[9], minute = v[10] * 10 + v[11], second = v[12] * 10 + v[13];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return false;
    out = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}

}  // namespace layer7::ftp
