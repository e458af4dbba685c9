// The hosts file: see hosts_file.hpp.
#include "core/text/hosts_file.hpp"
#include "core/text/ascii.hpp"

namespace layer7::core {

namespace {

// Hex digits, '.', ':' and a "%zone" suffix, with a '.' or ':' somewhere: what an IP literal is
// made of. The exact check (inet_pton) is the caller's.
bool looks_like_address(std::string_view s)
{
    const auto zone = s.find('%');
    const std::string_view ip = s.substr(0, zone);
    if (ip.empty() || ip.find_first_of(".:") == std::string_view::npos)
        return false;
    for (char c : ip)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':'))
            return false;
    return zone == std::string_view::npos || zone + 1 < s.size();
}

// RFC 952/1123 host names, with '_' tolerated as resolvers do: labels of letters, digits, '-', '_'.
bool valid_name(std::string_view s)
{
    if (s.empty() || s.size() > 253)
        return false;
    std::size_t label = 0;
    for (char c : s) {
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok || ++label > 63)
            return false;
    }
    return label > 0;
}

std::string normal_name(std::string_view s)
{
    if (s.ends_with('.'))
        s.remove_suffix(1);
    std::string out(s);
    for (char& c : out)
        c = to_lower(c);
    return out;
}

std::vector<std::string_view> fields_of(std::string_view line)
{
    std::vector<std::string_view> fields;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
            ++at;
        const std::size_t start = at;
        while (at < line.size() && line[at] != ' ' && line[at] != '\t')
            ++at;
        if (at > start)
            fields.push_back(line.substr(start, at - start));
    }
    return fields;
}

}  // namespace

HostsParse parse_hosts(std::string_view text, const HostsLimits& limits)
{
    HostsParse out;
    std::size_t number = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++number;
        if (line.size() > limits.max_line) {
            out.bad_lines.push_back(number);
            continue;
        }
        if (const auto hash = line.find('#'); hash != std::string_view::npos)
            line = line.substr(0, hash);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        const auto fields = fields_of(line);
        if (fields.empty())
            continue;
        if (!looks_like_address(fields[0]) || fields.size() < 2) {
            out.bad_lines.push_back(number);
            continue;
        }
        HostsEntry entry{std::string(fields[0]), {}};
        bool bad = false;
        for (std::size_t i = 1; i < fields.size(); ++i) {
            const std::string_view name =
                fields[i].ends_with('.') ? fields[i].substr(0, fields[i].size() - 1) : fields[i];
            if (!valid_name(name)) {
                bad = true;
                continue;
            }
            entry.names.push_back(normal_name(name));
        }
        if (bad)
            out.bad_lines.push_back(number);
        if (entry.names.empty())
            continue;
        if (out.entries.size() == limits.max_entries) {
            out.truncated = true;
            break;
        }
        out.entries.push_back(std::move(entry));
    }
    return out;
}

std::vector<std::string> HostsTable::addresses(std::string_view name) const
{
    const std::string wanted = normal_name(name);
    std::vector<std::string> found;
    for (const auto& e : entries_)
        for (const auto& n : e.names)
            if (n == wanted) {
                found.push_back(e.address);
                break;
            }
    return found;
}

std::string HostsTable::name_of(std::string_view address) const
{
    for (const auto& e : entries_)
        if (e.address == address)
            return e.names.front();
    return {};
}

}  // namespace layer7::core
