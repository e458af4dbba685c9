// Maildir file names: see maildir_name.hpp.
#include "mail/store/maildir_name.hpp"

#include <algorithm>
#include <charconv>

namespace layer7::mail {

namespace {
std::optional<std::uint64_t> number(std::string_view text)
{
    std::uint64_t v = 0;
    if (text.empty())
        return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

std::string sorted_flags(std::string_view flags)
{
    std::string out(flags);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}
}  // namespace

std::optional<MaildirName> parse_maildir_name(std::string_view file_name)
{
    if (file_name.empty() || file_name.front() == '.' || file_name.find('/') != std::string_view::npos)
        return std::nullopt;
    MaildirName out;
    std::string_view base = file_name;
    if (const auto colon = file_name.find(':'); colon != std::string_view::npos) {
        base = file_name.substr(0, colon);
        const std::string_view info = file_name.substr(colon + 1);
        // ":1,…" is the spec's reserved experimental form; only ":2," carries flags.
        if (info.size() >= 2 && info.substr(0, 2) == "2,") {
            out.has_info = true;
            out.flags = sorted_flags(info.substr(2));
        }
    }
    const auto comma = base.find(',');
    out.unique = std::string(base.substr(0, comma));
    if (out.unique.empty())
        return std::nullopt;
    // Dovecot's extra fields: ",S=<size>,W=<vsize>"; unknown ones are ignored.
    std::string_view rest = comma == std::string_view::npos ? std::string_view{} : base.substr(comma + 1);
    while (!rest.empty()) {
        const auto next = rest.find(',');
        const std::string_view field = rest.substr(0, next);
        rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
        if (field.size() > 2 && field[1] == '=') {
            if (field[0] == 'S')
                out.size = number(field.substr(2));
            else if (field[0] == 'W')
                out.wire_size = number(field.substr(2));
        }
    }
    return out;
}

std::string format_maildir_name(const MaildirName& name)
{
    std::string out = name.unique;
    if (name.size)
        out += ",S=" + std::to_string(*name.size);
    if (name.wire_size)
        out += ",W=" + std::to_string(*name.wire_size);
    if (name.has_info)
        out += ":2," + sorted_flags(name.flags);
    return out;
}

std::string unique_name(std::uint64_t seconds, std::uint32_t microseconds, std::uint64_t pid, std::uint64_t counter,
                        std::string_view host)
{
    std::string out = std::to_string(seconds) + ".M" + std::to_string(microseconds) + "P" + std::to_string(pid) + "Q" +
                      std::to_string(counter) + ".";
    for (char c : host) {
        if (c == '/')
            out += "\\057";
        else if (c == ':')
            out += "\\072";
        else if (c == ',')
            out += "\\054";  // ',' would start Dovecot's extra fields
        else
            out += c;
    }
    return out;
}

std::string add_flag(std::string_view flags, char f)
{
    std::string out(flags);
    out += f;
    return sorted_flags(out);
}

std::string uidl_of(std::string_view unique)
{
    const bool printable = std::all_of(unique.begin(), unique.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x21 && static_cast<unsigned char>(c) <= 0x7e;
    });
    if (printable && !unique.empty() && unique.size() <= 70)
        return std::string(unique);
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a offset basis
    for (char c : unique) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "x";
    for (int shift = 60; shift >= 0; shift -= 4)
        out += hex[(h >> shift) & 0xf];
    return out;
}

std::uint64_t delivery_time(std::string_view unique)
{
    const auto dot = unique.find('.');
    const std::uint64_t seconds = number(unique.substr(0, dot)).value_or(0);
    std::uint64_t micro = 0;
    if (dot != std::string_view::npos && unique.substr(dot + 1).starts_with('M')) {
        // Not zero-padded ("M99999" is before "M100001"), so compared as a number.
        const std::string_view rest = unique.substr(dot + 2);
        const auto digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
        micro = number(rest.substr(0, digits)).value_or(0);
        if (micro >= 1'000'000)
            micro = 0;
    }
    return seconds * 1'000'000 + micro;
}

}  // namespace layer7::mail
