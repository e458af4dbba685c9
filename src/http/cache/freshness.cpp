// RFC 9111 freshness rules: see freshness.hpp.
#include "http/cache/freshness.hpp"

#include <algorithm>

#include "http/message/date.hpp"
#include "http/message/token.hpp"

namespace layer7::http::cache {

namespace {

CacheControl directives(const Fields& fields)
{
    return parse_cache_control(fields.combined("Cache-Control"));
}

std::optional<Time> date_field(const Fields& fields, std::string_view name)
{
    auto v = fields.get(name);
    if (!v)
        return std::nullopt;
    return parse_http_date(*v);
}

// §5.1: Age is delta-seconds; an invalid value is ignored (treated as absent). Of a list (on one
// line or several) "a cache SHOULD use the first value".
std::int64_t age_field(const Fields& fields)
{
    const std::string all = fields.combined("Age");
    ListReader list(all);
    std::string_view v;
    if (!list.next(v) || v.empty() || v.size() > 10)
        return 0;
    std::int64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9')
            return 0;
        n = n * 10 + (c - '0');
    }
    return n;
}

}  // namespace

bool heuristically_cacheable(Status status)
{
    switch (code(status)) {
    case 200:
    case 203:
    case 204:
    case 206:
    case 300:
    case 301:
    case 308:
    case 404:
    case 405:
    case 410:
    case 414:
    case 501: return true;
    default: return false;
    }
}

bool understood_status(Status status)
{
    return heuristically_cacheable(status) || status == Status::found || status == Status::temporary_redirect;
}

bool is_storable(const Request& request, const Response& response, const Policy& policy)
{
    // We understand and store GET only (§3: "the request method is understood by the cache").
    if (request.method != MethodId::get)
        return false;
    const int status = code(response.status);
    // 206 needs range merging (§3.3) and 304 updates rather than stores: neither is stored here.
    if (status < 200 || status == 206 || status == 304)
        return false;
    const CacheControl req = directives(request.fields);
    const CacheControl res = directives(response.fields);
    // §5.2.2.3: must-understand stores only understood codes, and then overrides no-store (the
    // origin sends no-store too for caches that do not know must-understand).
    if (res.must_understand && !understood_status(response.status))
        return false;
    if (req.no_store || (res.no_store && !res.must_understand))
        return false;
    if (policy.shared && (res.is_private || !res.private_fields.empty()))
        return false;
    // §3.5: a shared cache stores responses to authenticated requests only when told it may.
    if (policy.shared && request.fields.contains("Authorization") && !res.must_revalidate && !res.is_public &&
        !res.s_maxage)
        return false;
    if (!policy.store_set_cookie && response.fields.contains("Set-Cookie"))
        return false;
    if (response.fields.combined("Vary").find('*') != std::string::npos)
        return false;  // §4.1: "Vary: *" never matches a later request
    if (res.invalid && !res.max_age && !res.s_maxage && !res.is_public)
        return false;
    return response.fields.contains("Expires") || res.max_age || (policy.shared && res.s_maxage) || res.is_public ||
           heuristically_cacheable(response.status);
}

Seconds freshness_lifetime(const Response& response, const Policy& policy, std::optional<Time> response_time)
{
    const CacheControl cc = directives(response.fields);
    if (policy.shared && cc.s_maxage)
        return Seconds(*cc.s_maxage);
    if (cc.max_age)
        return Seconds(*cc.max_age);
    // §4.2.1: "caches are encouraged to consider responses that have invalid freshness
    // information (e.g., a max-age directive with non-integer content) to be stale".
    if (cc.invalid)
        return Seconds(0);
    // A missing or invalid Date: the time the response was received stands in (RFC 9110 §6.6.1).
    auto date = date_field(response.fields, "Date");
    if (!date)
        date = response_time;
    if (response.fields.contains("Expires")) {
        // §5.3: an invalid Expires (e.g. "0") means already expired.
        const auto expires = date_field(response.fields, "Expires");
        if (!expires || !date)
            return Seconds(0);
        return std::max(Seconds(0), *expires - *date);
    }
    // §4.2.2: a heuristic only without explicit expiration, and only for these codes or public.
    if (!heuristically_cacheable(response.status) && !cc.is_public)
        return Seconds(0);
    const auto modified = date_field(response.fields, "Last-Modified");
    if (!modified || !date || *modified >= *date)
        return Seconds(0);
    const Seconds since = *date - *modified;
    return std::min(policy.max_heuristic, since * policy.heuristic_percent / 100);
}

Seconds current_age(const Response& response, Time request_time, Time response_time, Time now)
{
    const Seconds age_value(age_field(response.fields));
    const Time date_value = date_field(response.fields, "Date").value_or(response_time);
    const Seconds apparent_age = std::max(Seconds(0), response_time - date_value);
    const Seconds response_delay = std::max(Seconds(0), response_time - request_time);
    const Seconds corrected_age_value = age_value + response_delay;
    const Seconds corrected_initial_age = std::max(apparent_age, corrected_age_value);
    const Seconds resident_time = std::max(Seconds(0), now - response_time);
    return corrected_initial_age + resident_time;
}

bool must_revalidate(const Response& response, const Policy& policy)
{
    const CacheControl cc = directives(response.fields);
    // §5.2.2.10: s-maxage also implies proxy-revalidate for a shared cache.
    // A qualified no-cache binds only the fields it names (§5.2.2.4): not the response's staleness.
    const bool no_cache = cc.no_cache && cc.no_cache_fields.empty();
    return cc.must_revalidate || no_cache || (policy.shared && (cc.proxy_revalidate || cc.s_maxage.has_value()));
}

Use decide(const Request& request, const Response& stored, Seconds age, Seconds lifetime, const Policy& policy)
{
    const CacheControl res = directives(stored.fields);
    // §5.2.2.4: no-cache (unqualified) — every reuse needs a successful validation.
    if (res.no_cache && res.no_cache_fields.empty())
        return Use::revalidate;
    const bool has_cc = request.fields.contains("Cache-Control");
    const CacheControl req = directives(request.fields);
    // §5.4: Pragma: no-cache counts only without Cache-Control.
    if (req.no_cache || (!has_cc && request.fields.list_contains("Pragma", "no-cache")))
        return Use::revalidate;
    if (req.max_age && age > Seconds(*req.max_age))
        return Use::revalidate;
    const bool fresh = lifetime > age;
    if (fresh) {
        if (req.min_fresh && lifetime - age < Seconds(*req.min_fresh))
            return Use::revalidate;
        return Use::fresh;
    }
    // §4.2.4: serving stale needs the client's consent and no must-revalidate.
    if (!must_revalidate(stored, policy) &&
        (req.max_stale_any || (req.max_stale && age - lifetime <= Seconds(*req.max_stale))))
        return Use::stale_ok;
    // RFC 5861 §3: the origin allows serving stale this long while we revalidate in the background.
    if (!must_revalidate(stored, policy) && res.stale_while_revalidate &&
        age - lifetime <= Seconds(*res.stale_while_revalidate))
        return Use::stale_while_revalidate;
    return Use::revalidate;
}

bool stale_if_error_allows(const Request& request, const Response& stored, Seconds age, Seconds lifetime,
                           const Policy& policy)
{
    if (must_revalidate(stored, policy))
        return false;
    const CacheControl req = directives(request.fields);
    const CacheControl res = directives(stored.fields);
    const auto window = req.stale_if_error ? req.stale_if_error : res.stale_if_error;
    return window && age - lifetime <= Seconds(*window);
}

}  // namespace layer7::http::cache
