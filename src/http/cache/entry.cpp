// Entry file format: see entry.hpp.
#include "http/cache/entry.hpp"

#include <charconv>
#include <cstdint>

#include "http/message/token.hpp"

namespace layer7::http::cache {

namespace {

constexpr std::string_view magic = "L7CACHE1\n";

struct Lengths {
    std::int64_t request_time = 0, response_time = 0;
    std::uint64_t status = 0, key = 0, primary = 0, vary = 0, reason = 0, fields = 0, body = 0;
};

bool read_number(std::string_view& s, auto& out)
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || p == s.data())
        return false;
    s.remove_prefix(static_cast<std::size_t>(p - s.data()));
    return true;
}

// Parses the magic and the lengths line; `rest` is left at the first payload byte.
std::optional<Lengths> read_lengths(std::string_view bytes, std::string_view& rest, const EntryLimits& limits)
{
    if (!bytes.starts_with(magic))
        return std::nullopt;
    bytes.remove_prefix(magic.size());
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos || nl > 256)
        return std::nullopt;
    std::string_view line = bytes.substr(0, nl);
    Lengths l;
    if (!read_number(line, l.request_time) || !read_number(line, l.response_time) || !read_number(line, l.status) ||
        !read_number(line, l.key) || !read_number(line, l.primary) || !read_number(line, l.vary) ||
        !read_number(line, l.reason) || !read_number(line, l.fields) || !read_number(line, l.body) || !line.empty())
        return std::nullopt;
    if (l.status < 100 || l.status > 999 || l.key + l.primary + l.vary + l.reason + l.fields > limits.max_head ||
        l.body > limits.max_body)
        return std::nullopt;
    rest = bytes.substr(nl + 1);
    return l;
}

}  // namespace

std::string encode_entry(const Entry& entry)
{
    std::string vary;
    for (const auto& name : entry.vary) {
        if (!vary.empty())
            vary.push_back(',');
        vary += name;
    }
    std::string fields;
    for (Field f : entry.response.fields) {
        fields += f.name;
        fields.push_back(':');
        fields += f.value;
        fields.push_back('\n');
    }
    std::string out(magic);
    out += std::to_string(entry.request_time.time_since_epoch().count()) + " " +
           std::to_string(entry.response_time.time_since_epoch().count()) + " " +
           std::to_string(code(entry.response.status)) + " " + std::to_string(entry.key.size()) + " " +
           std::to_string(entry.primary.size()) + " " + std::to_string(vary.size()) + " " +
           std::to_string(entry.response.reason.size()) + " " + std::to_string(fields.size()) + " " +
           std::to_string(entry.body->size()) + "\n";
    out.reserve(out.size() + entry.key.size() + entry.primary.size() + vary.size() + fields.size() +
                entry.body->size());
    out += entry.key;
    out += entry.primary;
    out += vary;
    out += entry.response.reason;
    out += fields;
    out += *entry.body;
    return out;
}

std::optional<Entry> decode_entry(std::string_view bytes, const EntryLimits& limits)
{
    std::string_view rest;
    auto l = read_lengths(bytes, rest, limits);
    if (!l || rest.size() != l->key + l->primary + l->vary + l->reason + l->fields + l->body)
        return std::nullopt;
    auto take = [&rest](std::uint64_t n) {
        auto piece = rest.substr(0, n);
        rest.remove_prefix(n);
        return piece;
    };
    Entry e;
    e.request_time = Time(Seconds(l->request_time));
    e.response_time = Time(Seconds(l->response_time));
    e.response.status = static_cast<Status>(l->status);
    e.key = take(l->key);
    e.primary = take(l->primary);
    std::string_view vary = take(l->vary);
    while (!vary.empty()) {
        auto comma = vary.find(',');
        e.vary.emplace_back(vary.substr(0, comma));
        vary.remove_prefix(comma == std::string_view::npos ? vary.size() : comma + 1);
    }
    e.response.reason = take(l->reason);
    std::string_view fields = take(l->fields);
    while (!fields.empty()) {
        const auto nl = fields.find('\n');
        const auto colon = fields.find(':');
        if (nl == std::string_view::npos || colon > nl)
            return std::nullopt;
        const auto name = fields.substr(0, colon);
        const auto value = fields.substr(colon + 1, nl - colon - 1);
        if (!is_token(name) || !is_field_value(value))
            return std::nullopt;
        e.response.fields.add(name, value);
        fields.remove_prefix(nl + 1);
    }
    e.body = std::make_shared<const std::string>(take(l->body));
    return e;
}

std::optional<std::string> peek_entry_key(std::string_view prefix, const EntryLimits& limits)
{
    std::string_view rest;
    auto l = read_lengths(prefix, rest, limits);
    if (!l || rest.size() < l->key)
        return std::nullopt;
    return std::string(rest.substr(0, l->key));
}

}  // namespace layer7::http::cache
