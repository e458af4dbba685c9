// RFC 9111 storability (§3), freshness lifetime (§4.2.1, heuristic §4.2.2), age (§4.2.3) and the
// serve-or-validate decision (§4, §5.2.1). Pure: every time is passed in, nothing reads a clock.
#pragma once

#include <chrono>
#include <optional>

#include "http/message/cache_control.hpp"
#include "http/message/message.hpp"

namespace layer7::http::cache {

using Time = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

struct Policy {
    bool shared = true;             // a proxy: s-maxage applies, private is never stored (§3.5, §5.2.2.7)
    int heuristic_percent = 10;     // §4.2.2: "some fraction" of the time since Last-Modified; 10% is typical
    Seconds max_heuristic{86400};   // cap: §4.2.4 of RFC 7234 warned beyond 24 h (Warning 113)
    bool store_set_cookie = false;  // a shared cache storing Set-Cookie hands one user's cookie to all
};

// §15.1 of RFC 9110: codes that are heuristically cacheable.
bool heuristically_cacheable(Status status);
// §5.2.2.3: the codes whose caching rules we implement — the heuristically cacheable ones plus the
// redirects we store with explicit freshness (302, 307). must-understand limits storing to these.
bool understood_status(Status status);
// §3: whether a response to `request` may be stored at all.
bool is_storable(const Request& request, const Response& response, const Policy& policy = {});
// §4.2.1: s-maxage (shared), max-age, Expires − Date, else the heuristic of §4.2.2 (0 if none);
// 0 when the freshness information is malformed. `response_time` stands in for an invalid Date.
Seconds freshness_lifetime(const Response& response, const Policy& policy = {},
                           std::optional<Time> response_time = std::nullopt);
// §4.2.3: current_age from the Age and Date fields, when the request went out and the response
// came back, and now.
Seconds current_age(const Response& response, Time request_time, Time response_time, Time now);
// §4.2.4 / §5.2.2.2 / §5.2.2.8: a stale response must not be served without validation.
bool must_revalidate(const Response& response, const Policy& policy = {});

enum class Use {
    fresh,                   // serve the stored response as it is (X-Cache: HIT)
    stale_ok,                // stale, but the request's max-stale allows it
    stale_while_revalidate,  // stale within RFC 5861 §3's window: serve it, revalidate in the background
    revalidate,              // send a conditional request first (§4.3)
};
// §4 and §5.2.1: what to do with a stored response of this age and lifetime for a new request.
Use decide(const Request& request, const Response& stored, Seconds age, Seconds lifetime, const Policy& policy = {});
// RFC 5861 §4: whether a stale response may answer because the origin failed (a 5xx or no answer):
// the request's stale-if-error, else the response's, bounds the staleness; never with must-revalidate.
bool stale_if_error_allows(const Request& request, const Response& stored, Seconds age, Seconds lifetime,
                           const Policy& policy = {});

}  // namespace layer7::http::cache
