// Tests for http/cache/freshness (RFC 9111 §3, §4.2, §5.2).
#include "http/cache/freshness.hpp"

#include <gtest/gtest.h>

#include "http/message/date.hpp"

using namespace layer7::http;
using namespace layer7::http::cache;
using namespace std::chrono;

namespace {

const Time t0 = *parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example date

Response response(std::initializer_list<std::pair<const char*, std::string>> fields, Status status = Status::ok)
{
    Response r;
    r.status = status;
    for (const auto& [n, v] : fields)
        r.fields.add(n, v);
    return r;
}

Request get(std::initializer_list<std::pair<const char*, const char*>> fields = {})
{
    Request r;
    for (const auto& [n, v] : fields)
        r.fields.add(n, v);
    return r;
}

}  // namespace

TEST(Storable, NeedsExplicitOrHeuristicFreshness)
{
    EXPECT_TRUE(is_storable(get(), response({{"Cache-Control", "max-age=60"}})));
    EXPECT_TRUE(is_storable(get(), response({{"Expires", format_http_date(t0)}})));
    // §3: a 200 is heuristically cacheable (RFC 9110 §15.1) even with no freshness information.
    EXPECT_TRUE(is_storable(get(), response({})));
    // 302 is not heuristically cacheable; with max-age it is.
    EXPECT_FALSE(is_storable(get(), response({}, Status::found)));
    EXPECT_TRUE(is_storable(get(), response({{"Cache-Control", "max-age=5"}}, Status::found)));
    EXPECT_TRUE(is_storable(get(), response({}, Status::not_found)));
}

TEST(Storable, NoStorePrivateAndMethods)
{
    EXPECT_FALSE(is_storable(get(), response({{"Cache-Control", "no-store"}})));
    EXPECT_FALSE(is_storable(get({{"Cache-Control", "no-store"}}), response({{"Cache-Control", "max-age=60"}})));
    EXPECT_FALSE(is_storable(get(), response({{"Cache-Control", "private, max-age=60"}})));
    EXPECT_FALSE(is_storable(get(), response({{"Cache-Control", "private=\"Set-Cookie\", max-age=60"}})));
    Policy private_cache;
    private_cache.shared = false;
    EXPECT_TRUE(is_storable(get(), response({{"Cache-Control", "private, max-age=60"}}), private_cache));
    Request post = get();
    post.method = Method(MethodId::post);
    EXPECT_FALSE(is_storable(post, response({{"Cache-Control", "max-age=60"}})));
    EXPECT_FALSE(is_storable(get(), response({}, Status::not_modified)));
    EXPECT_FALSE(is_storable(get(), response({}, Status::partial_content)));
    EXPECT_FALSE(is_storable(get(), response({{"Vary", "*"}})));
    EXPECT_FALSE(is_storable(get(), response({{"Set-Cookie", "a=1"}, {"Cache-Control", "max-age=60"}})));
}

TEST(Storable, MustUnderstand)
{
    // §5.2.2.3: stored only when the status code is one the cache understands, and then no-store
    // is ignored (the pair lets an origin reach caches that know must-understand only).
    EXPECT_TRUE(is_storable(get(), response({{"Cache-Control", "must-understand, no-store, max-age=60"}})));
    EXPECT_TRUE(is_storable(get(), response({{"Cache-Control", "must-understand, no-store"}}, Status::not_found)));
    EXPECT_TRUE(is_storable(get(), response({{"Cache-Control", "must-understand, max-age=60"}}, Status::found)));
    EXPECT_FALSE(
        is_storable(get(), response({{"Cache-Control", "must-understand, max-age=60"}}, static_cast<Status>(299))));
    EXPECT_FALSE(is_storable(
        get(), response({{"Cache-Control", "must-understand, no-store, max-age=60"}}, Status::bad_request)));
    // Without it, an unknown code with explicit freshness is stored (§3), no-store never is.
    EXPECT_TRUE(is_storable(get(), response({{"Cache-Control", "max-age=60"}}, static_cast<Status>(299))));
    EXPECT_FALSE(is_storable(get(), response({{"Cache-Control", "no-store, max-age=60"}})));
    // The request's no-store still binds (it is not the response's directive).
    EXPECT_FALSE(is_storable(get({{"Cache-Control", "no-store"}}),
                             response({{"Cache-Control", "must-understand, no-store, max-age=60"}})));
}

TEST(Storable, AuthorizationNeedsPermission)
{
    auto auth = get({{"Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}});
    EXPECT_FALSE(is_storable(auth, response({{"Cache-Control", "max-age=60"}})));
    EXPECT_TRUE(is_storable(auth, response({{"Cache-Control", "public, max-age=60"}})));
    EXPECT_TRUE(is_storable(auth, response({{"Cache-Control", "s-maxage=60"}})));
    EXPECT_TRUE(is_storable(auth, response({{"Cache-Control", "must-revalidate, max-age=60"}})));
}

TEST(Lifetime, ExplicitDirectivesInOrder)
{
    const std::string date = format_http_date(t0);
    EXPECT_EQ(freshness_lifetime(response({{"Cache-Control", "max-age=60, s-maxage=120"}})), seconds(120));
    Policy private_cache;
    private_cache.shared = false;
    EXPECT_EQ(freshness_lifetime(response({{"Cache-Control", "max-age=60, s-maxage=120"}}), private_cache),
              seconds(60));
    // max-age beats Expires (§5.3).
    EXPECT_EQ(freshness_lifetime(response(
                  {{"Date", date}, {"Expires", format_http_date(t0 + hours(1))}, {"Cache-Control", "max-age=10"}})),
              seconds(10));
    EXPECT_EQ(freshness_lifetime(response({{"Date", date}, {"Expires", format_http_date(t0 + hours(1))}})),
              seconds(3600));
    // An invalid Expires ("0") means already expired (§5.3).
    EXPECT_EQ(freshness_lifetime(response({{"Date", date}, {"Expires", "0"}})), seconds(0));
    EXPECT_EQ(freshness_lifetime(response({{"Date", date}, {"Expires", format_http_date(t0 - hours(1))}})), seconds(0));
}

TEST(Lifetime, HeuristicIsTenPercentOfLastModifiedAge)
{
    const std::string date = format_http_date(t0);
    // Modified 10 hours before Date → fresh for 1 hour (§4.2.2).
    EXPECT_EQ(freshness_lifetime(response({{"Date", date}, {"Last-Modified", format_http_date(t0 - hours(10))}})),
              seconds(3600));
    // Capped at a day.
    EXPECT_EQ(freshness_lifetime(response({{"Date", date}, {"Last-Modified", format_http_date(t0 - days(365))}})),
              seconds(86400));
    // Not for a 302; not without Last-Modified; not when Last-Modified is in the future.
    EXPECT_EQ(freshness_lifetime(
                  response({{"Date", date}, {"Last-Modified", format_http_date(t0 - hours(10))}}, Status::found)),
              seconds(0));
    EXPECT_EQ(freshness_lifetime(response({{"Date", date}})), seconds(0));
    EXPECT_EQ(freshness_lifetime(response({{"Date", date}, {"Last-Modified", format_http_date(t0 + hours(1))}})),
              seconds(0));
}

TEST(Age, CurrentAgeFollowsSection423)
{
    const std::string date = format_http_date(t0);
    // Sent at t0, Date t0, received 2 s later with Age: 10, now 100 s after receipt.
    // apparent_age = 2, corrected_age_value = 10 + 2 = 12, initial = 12, resident = 100 → 112.
    auto r = response({{"Date", date}, {"Age", "10"}});
    EXPECT_EQ(current_age(r, t0, t0 + seconds(2), t0 + seconds(102)), seconds(112));
    // A server clock 30 s behind: apparent_age 30 dominates.
    auto skewed = response({{"Date", format_http_date(t0 - seconds(30))}});
    EXPECT_EQ(current_age(skewed, t0, t0, t0), seconds(30));
    // A Date in the future never makes the age negative.
    auto ahead = response({{"Date", format_http_date(t0 + hours(1))}});
    EXPECT_EQ(current_age(ahead, t0, t0, t0 + seconds(5)), seconds(5));
    // An invalid Age is ignored.
    auto bad = response({{"Date", date}, {"Age", "ten"}});
    EXPECT_EQ(current_age(bad, t0, t0, t0 + seconds(7)), seconds(7));
}

TEST(Age, ListValuedAgeUsesTheFirstValue)
{
    // §5.1: a list (one line or several) is invalid, but a cache should use the first value.
    auto list = response({{"Date", format_http_date(t0)}, {"Age", "30, 100"}});
    EXPECT_EQ(current_age(list, t0, t0, t0), seconds(30));
    auto lines = response({{"Date", format_http_date(t0)}, {"Age", "40"}, {"Age", "5"}});
    EXPECT_EQ(current_age(lines, t0, t0, t0), seconds(40));
}

TEST(Lifetime, InvalidDateFallsBackToTheReceiveTime)
{
    // An invalid Date with a valid Expires: the date is when the response came (RFC 9110 §6.6.1).
    auto r = response({{"Date", "yesterday"}, {"Expires", format_http_date(t0 + hours(1))}});
    EXPECT_EQ(freshness_lifetime(r, {}, t0), seconds(3600));
    auto missing = response({{"Expires", format_http_date(t0 + minutes(5))}});
    EXPECT_EQ(freshness_lifetime(missing, {}, t0), seconds(300));
    // The heuristic takes the same fallback.
    auto heuristic = response({{"Date", "soon"}, {"Last-Modified", format_http_date(t0 - hours(10))}});
    EXPECT_EQ(freshness_lifetime(heuristic, {}, t0), seconds(3600));
}

TEST(Lifetime, InvalidFreshnessInformationIsStale)
{
    // §4.2.1: "max-age= 3600" is malformed, so not a max-age; the response counts as stale (not as
    // heuristically fresh) and is not stored on the strength of it.
    const std::string date = format_http_date(t0);
    auto r = response(
        {{"Date", date}, {"Last-Modified", format_http_date(t0 - days(30))}, {"Cache-Control", "max-age= 3600"}});
    EXPECT_EQ(freshness_lifetime(r, {}, t0), seconds(0));
    EXPECT_FALSE(is_storable(get(), response({{"Cache-Control", "max-age= 3600"}})));
}

TEST(Decide, FreshStaleAndRequestDirectives)
{
    auto r = response({{"Cache-Control", "max-age=60"}});
    EXPECT_EQ(decide(get(), r, seconds(59), seconds(60)), Use::fresh);
    EXPECT_EQ(decide(get(), r, seconds(60), seconds(60)), Use::revalidate);  // fresh only while lifetime > age
    EXPECT_EQ(decide(get({{"Cache-Control", "no-cache"}}), r, seconds(1), seconds(60)), Use::revalidate);
    EXPECT_EQ(decide(get({{"Pragma", "no-cache"}}), r, seconds(1), seconds(60)), Use::revalidate);
    EXPECT_EQ(decide(get({{"Pragma", "no-cache"}, {"Cache-Control", "max-stale"}}), r, seconds(1), seconds(60)),
              Use::fresh);  // §5.4: Pragma is ignored when Cache-Control is present
    EXPECT_EQ(decide(get({{"Cache-Control", "max-age=10"}}), r, seconds(11), seconds(60)), Use::revalidate);
    EXPECT_EQ(decide(get({{"Cache-Control", "min-fresh=30"}}), r, seconds(40), seconds(60)), Use::revalidate);
    EXPECT_EQ(decide(get({{"Cache-Control", "max-stale=20"}}), r, seconds(70), seconds(60)), Use::stale_ok);
    EXPECT_EQ(decide(get({{"Cache-Control", "max-stale=5"}}), r, seconds(70), seconds(60)), Use::revalidate);
    EXPECT_EQ(decide(get({{"Cache-Control", "max-stale"}}), r, seconds(7000), seconds(60)), Use::stale_ok);
}

TEST(Decide, ResponseDirectives)
{
    // no-cache: stored, but every use is validated first (§5.2.2.4).
    auto nc = response({{"Cache-Control", "no-cache, max-age=600"}});
    EXPECT_EQ(decide(get(), nc, seconds(0), seconds(600)), Use::revalidate);
    // Qualified no-cache does not make every use (nor a stale use) need validation: only the named
    // fields need it, and the proxy strips them instead (§5.2.2.4).
    auto qnc = response({{"Cache-Control", "no-cache=\"Set-Cookie\", max-age=600"}});
    EXPECT_EQ(decide(get(), qnc, seconds(0), seconds(600)), Use::fresh);
    EXPECT_FALSE(must_revalidate(qnc));
    // must-revalidate forbids serving stale even when the client accepts it (§5.2.2.2).
    auto mr = response({{"Cache-Control", "max-age=60, must-revalidate"}});
    EXPECT_TRUE(must_revalidate(mr));
    EXPECT_EQ(decide(get({{"Cache-Control", "max-stale"}}), mr, seconds(70), seconds(60)), Use::revalidate);
    // proxy-revalidate and s-maxage bind shared caches only.
    auto pr = response({{"Cache-Control", "max-age=60, proxy-revalidate"}});
    EXPECT_TRUE(must_revalidate(pr));
    Policy private_cache;
    private_cache.shared = false;
    EXPECT_FALSE(must_revalidate(pr, private_cache));
    EXPECT_TRUE(must_revalidate(response({{"Cache-Control", "s-maxage=5"}})));
}

TEST(Decide, StaleWhileRevalidate)
{
    // RFC 5861 §3: within the window a stale response is served and revalidated in the background.
    auto r = response({{"Cache-Control", "max-age=60, stale-while-revalidate=30"}});
    EXPECT_EQ(decide(get(), r, seconds(59), seconds(60)), Use::fresh);
    EXPECT_EQ(decide(get(), r, seconds(90), seconds(60)), Use::stale_while_revalidate);
    EXPECT_EQ(decide(get(), r, seconds(91), seconds(60)), Use::revalidate);
    // The client's no-cache / max-age and the origin's must-revalidate still bind (RFC 9111 §4.2.4).
    EXPECT_EQ(decide(get({{"Cache-Control", "no-cache"}}), r, seconds(70), seconds(60)), Use::revalidate);
    EXPECT_EQ(decide(get({{"Cache-Control", "max-age=65"}}), r, seconds(70), seconds(60)), Use::revalidate);
    auto mr = response({{"Cache-Control", "max-age=60, stale-while-revalidate=30, must-revalidate"}});
    EXPECT_EQ(decide(get(), mr, seconds(70), seconds(60)), Use::revalidate);
}

TEST(StaleIfError, WithinTheWindowOfResponseOrRequest)
{
    // RFC 5861 §4: a stale response may answer when the origin errs, this long after it went stale.
    auto r = response({{"Cache-Control", "max-age=60, stale-if-error=100"}});
    EXPECT_TRUE(stale_if_error_allows(get(), r, seconds(160), seconds(60)));
    EXPECT_FALSE(stale_if_error_allows(get(), r, seconds(161), seconds(60)));
    // The request may ask for it too (or narrow it).
    auto plain = response({{"Cache-Control", "max-age=60"}});
    EXPECT_FALSE(stale_if_error_allows(get(), plain, seconds(70), seconds(60)));
    EXPECT_TRUE(stale_if_error_allows(get({{"Cache-Control", "stale-if-error=20"}}), plain, seconds(70), seconds(60)));
    EXPECT_FALSE(stale_if_error_allows(get({{"Cache-Control", "stale-if-error=5"}}), r, seconds(70), seconds(60)));
    // must-revalidate: "MUST generate an error response rather than reuse the stale response".
    auto mr = response({{"Cache-Control", "max-age=60, stale-if-error=100, must-revalidate"}});
    EXPECT_FALSE(stale_if_error_allows(get(), mr, seconds(70), seconds(60)));
}
