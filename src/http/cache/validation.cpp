// Validation of stored responses: see validation.hpp.
#include "http/cache/validation.hpp"

#include <array>

#include "http/message/cache_control.hpp"
#include "http/message/date.hpp"
#include "http/message/etag.hpp"
#include "http/message/token.hpp"

namespace layer7::http::cache {

namespace {

// Fields a 304 must not overwrite: the stored body's own framing and coding (§3.2), and
// hop-by-hop fields that describe the 304's connection, not the stored response.
bool kept_from_stored(std::string_view name)
{
    static constexpr std::array<std::string_view, 9> kept{"Content-Length", "Content-Encoding", "Transfer-Encoding",
                                                          "Content-Range",  "Connection",       "Keep-Alive",
                                                          "Trailer",        "Upgrade",          "Proxy-Connection"};
    for (auto k : kept)
        if (iequals(k, name))
            return true;
    return false;
}

}  // namespace

bool has_validator(const Response& stored)
{
    return stored.fields.contains("ETag") || stored.fields.contains("Last-Modified");
}

void strip_preconditions(Fields& fields)
{
    // If-Range stays: it only qualifies a Range (whose 206 is never stored), and without it the
    // origin would send a range of a changed representation to a client that is resuming.
    for (auto name : {"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since"})
        fields.erase(name);
}

void strip_no_cache_fields(Fields& fields)
{
    const CacheControl cc = parse_cache_control(fields.combined("Cache-Control"));
    for (const auto& name : cc.no_cache_fields)
        fields.erase(name);
}

Request conditional_request(const Request& request, const Response& stored)
{
    Request out = request;
    strip_preconditions(out.fields);
    if (auto etag = stored.fields.get("ETag"))
        out.fields.add("If-None-Match", *etag);
    if (auto modified = stored.fields.get("Last-Modified"))
        out.fields.add("If-Modified-Since", *modified);
    return out;
}

bool not_modified_matches(const Response& stored, const Response& not_modified)
{
    const auto new_tag = not_modified.fields.get("ETag");
    const auto old_tag = stored.fields.get("ETag");
    if (new_tag) {
        auto a = parse_etag(*new_tag);
        auto b = old_tag ? parse_etag(*old_tag) : std::nullopt;
        return a && b && weak_match(*a, *b);
    }
    // No tag in the 304: it applies to our stored response if that has no tag either, or the
    // Last-Modified dates agree (§4.3.4 items 2 and 3).
    const auto new_date = not_modified.fields.get("Last-Modified");
    if (new_date)
        return stored.fields.get("Last-Modified") == new_date;
    return !old_tag;
}

Response merge_not_modified(const Response& stored, const Response& not_modified)
{
    Response out = stored;
    for (Field f : not_modified.fields) {
        if (kept_from_stored(f.name))
            continue;
        out.fields.erase(f.name);
    }
    for (Field f : not_modified.fields)
        if (!kept_from_stored(f.name))
            out.fields.add(f.name, f.value);
    return out;
}

bool client_not_modified(const Request& request, const Response& stored)
{
    if (code(stored.status) != 200 || (request.method != MethodId::get && request.method != MethodId::head))
        return false;
    if (auto inm = request.fields.get("If-None-Match")) {
        auto list = parse_etag_list(request.fields.combined("If-None-Match"));
        if (!list)
            return false;
        auto tag = stored.fields.get("ETag");
        std::optional<EntityTag> current = tag ? parse_etag(*tag) : std::nullopt;
        return !if_none_match_passes(*list, current);
    }
    auto since = request.fields.get("If-Modified-Since");
    auto modified = stored.fields.get("Last-Modified");
    if (!since || !modified)
        return false;
    auto s = parse_http_date(*since);
    auto m = parse_http_date(*modified);
    return s && m && *m <= *s;
}

}  // namespace layer7::http::cache
