// Entity-tag syntax and comparison (RFC 9110 §8.8.3, §13.1.1, §13.1.2).
#include "http/message/etag.hpp"

#include "http/message/token.hpp"

namespace layer7::http {

namespace {

// etagc = %x21 / %x23-7E / obs-text
bool is_etagc(char c)
{
    auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x7e) || u >= 0x80;
}

// Reads one entity-tag at the front of s, advancing it.
std::optional<EntityTag> read_tag(std::string_view& s)
{
    EntityTag tag;
    if (s.size() >= 2 && s[0] == 'W' && s[1] == '/') {
        tag.weak = true;
        s.remove_prefix(2);
    }
    if (s.empty() || s[0] != '"')
        return std::nullopt;
    std::size_t i = 1;
    while (i < s.size() && is_etagc(s[i]))
        ++i;
    if (i == s.size() || s[i] != '"')
        return std::nullopt;
    tag.opaque = s.substr(1, i - 1);
    s.remove_prefix(i + 1);
    return tag;
}

}  // namespace

std::optional<EntityTag> parse_etag(std::string_view s)
{
    s = trim_ows(s);
    auto tag = read_tag(s);
    if (!tag || !s.empty())
        return std::nullopt;
    return tag;
}

std::string to_string(const EntityTag& tag)
{
    std::string out = tag.weak ? "W/\"" : "\"";
    out += tag.opaque;
    out += '"';
    return out;
}

bool strong_match(const EntityTag& a, const EntityTag& b)
{
    return !a.weak && !b.weak && a.opaque == b.opaque;
}

bool weak_match(const EntityTag& a, const EntityTag& b)
{
    return a.opaque == b.opaque;
}

std::optional<EtagList> parse_etag_list(std::string_view s)
{
    EtagList list;
    s = trim_ows(s);
    if (s == "*") {
        list.any = true;
        return list;
    }
    // Tags may contain commas, so walk the list by hand rather than with ListReader.
    for (;;) {
        while (!s.empty() && (is_ows(s[0]) || s[0] == ','))
            s.remove_prefix(1);
        if (s.empty())
            break;
        auto tag = read_tag(s);
        if (!tag)
            return std::nullopt;
        list.tags.push_back(std::move(*tag));
        s = trim_ows(s);
        if (!s.empty() && s[0] != ',')
            return std::nullopt;
    }
    if (list.tags.empty())
        return std::nullopt;
    return list;
}

bool if_match_passes(const EtagList& list, const std::optional<EntityTag>& current)
{
    if (!current)
        return false;
    if (list.any)
        return true;
    for (const auto& t : list.tags)
        if (strong_match(t, *current))
            return true;
    return false;
}

bool if_none_match_passes(const EtagList& list, const std::optional<EntityTag>& current)
{
    if (!current)
        return true;
    if (list.any)
        return false;
    for (const auto& t : list.tags)
        if (weak_match(t, *current))
            return false;
    return true;
}

}  // namespace layer7::http
