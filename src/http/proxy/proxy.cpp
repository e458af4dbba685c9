// The caching proxy's semantics: see proxy.hpp.
#include "http/proxy/proxy.hpp"

#include <spdlog/spdlog.h>

#include "http/proxy/relay.hpp"

#include "http/cache/cache_key.hpp"
#include "http/cache/range_reply.hpp"
#include "http/cache/surrogate.hpp"
#include "http/cache/validation.hpp"
#include "http/client/redirect.hpp"
#include "http/message/cache_control.hpp"
#include "http/message/date.hpp"
#include "http/message/target.hpp"
#include "http/message/token.hpp"
#include "http/proxy/hop_by_hop.hpp"

namespace layer7::http::proxy {

namespace {

// Our device token in Surrogate-Capability and Surrogate-Control targeting (W3C Edge Architecture).
constexpr std::string_view surrogate_token = "layer7";

cache::Time wall_now()
{
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// `reference` (a Location or Content-Location value) as an absolute URL, if it has the same
// scheme, host and port as `base` (RFC 6454 origin); nullopt otherwise.
std::optional<std::string> same_origin_reference(const Url& base, std::string_view reference)
{
    auto resolved = client::resolve_reference(base, reference);
    auto url = resolved ? parse_url(*resolved) : std::nullopt;
    if (!url || url->scheme != base.scheme || !iequals(url->host, base.host) || url->port != base.port)
        return std::nullopt;
    return client::to_string(*url);
}

}  // namespace

// The leader of a collapsed fetch must release its followers however it leaves: with the stored
// entry when its relayed body was complete, else with nothing when the guard goes.
struct FlightGuard {
    Flights& flights;
    std::string key;
    std::shared_ptr<Flight> flight;
    FlightGuard(Flights& f, std::string k) : flights(f), key(std::move(k)) {}
    FlightGuard(const FlightGuard&) = delete;
    ~FlightGuard()
    {
        if (flight)
            flights.finish(key, flight, nullptr);
    }
    void finish(std::shared_ptr<const cache::Entry> entry)
    {
        if (flight)
            flights.finish(key, flight, std::move(entry));
        flight.reset();
    }
};

struct Proxy::Target {
    Url url;
    std::string text;  // the URL as a string: the cache key's second half
};

Proxy::Proxy(Options options, cache::Store& store) : options_(std::move(options)), store_(store) {}

bool Proxy::connect_allowed(std::uint16_t port) const
{
    for (auto p : options_.connect_ports)
        if (p == port)
            return true;
    return false;
}

client::Client& Proxy::upstream(core::WorkerSlots& worker)
{
    // Its slot dies while the worker's io_context still exists, which its pooled sockets need.
    return worker.get(upstream_key_, [this] {
        client::Options o;
        o.connect_timeout = options_.connect_timeout;
        o.io_timeout = options_.upstream_timeout;
        o.limits.max_body = options_.max_body;
        o.max_idle_per_origin = 64;
        o.names = options_.names;
        return std::make_unique<client::Client>(std::move(o));
    });
}

ProxyReply Proxy::error(Status status, std::string_view reason, std::string_view text)
{
    ++stats_.errors;
    ProxyReply r;
    r.response.status = status;
    r.response.reason = reason;
    r.response.fields.add("Content-Type", "text/plain; charset=utf-8");
    r.response.fields.add("Cache-Control", "no-store");
    append_via(r.response.fields, Version{1, 1}, options_.via_name);
    r.body = std::make_shared<const std::string>(std::to_string(code(status)) + " " + std::string(reason) + ": " +
                                                 std::string(text) + "\n");
    return r;
}

ProxyReply Proxy::status_page()
{
    ProxyReply r;
    r.response.fields.add("Content-Type", "application/json");
    r.response.fields.add("Cache-Control", "no-store");
    r.body = std::make_shared<const std::string>(status_json(stats_, store_.stats(), options_.cache_max_bytes));
    return r;
}

core::awaitable<ProxyReply> Proxy::handle(const Request& request, core::ByteSource* body)
{
    ++stats_.requests;
    if (via_contains(request.fields, options_.via_name)) {
        spdlog::warn("proxy: loop detected for {} (our Via {} is already in the request)", request.target,
                     options_.via_name);
        co_return error(static_cast<Status>(508), "Loop Detected", "this request has already passed this proxy");
    }
    const auto parsed = parse_target(request.target, request.method);
    if (!parsed)
        co_return error(Status::bad_request, "Bad Request", "invalid request-target");
    Target t;
    if (parsed->form == TargetForm::origin) {
        if (parsed->path == "/layer7-status" || (!options_.origin && parsed->path == "/status")) {
            --stats_.requests;  // looking at the counters does not change them
            co_return status_page();
        }
        if (options_.origin) {
            t.url = *options_.origin;
            t.url.path_and_query = request.target;
        } else if (const auto host = request.fields.get("Host"); request.version.major == 2 && host) {
            // HTTP/2 has no absolute-form: a forward proxy's target is :authority plus :path.
            auto url = parse_url("http://" + std::string(*host) + request.target);
            if (!url)
                co_return error(Status::bad_request, "Bad Request", "invalid :authority");
            t.url = std::move(*url);
        } else {
            co_return error(Status::bad_request, "Bad Request",
                            "this is a proxy: send absolute-form requests (curl -x), or run it with --origin");
        }
    } else if (parsed->form == TargetForm::absolute) {
        auto url = parse_url(request.target);
        if (!url || (url->scheme != "http" && url->scheme != "https"))
            co_return error(Status::bad_request, "Bad Request", "only http and https URLs are proxied");
        if ((iequals(parsed->authority, options_.via_name) || parsed->authority == "proxy-host") &&
            (parsed->path == "/status" || parsed->path == "/layer7-status")) {
            --stats_.requests;
            co_return status_page();
        }
        t.url = std::move(*url);
    } else {
        co_return error(Status::bad_request, "Bad Request", "unsupported request-target form");
    }
    t.text = client::to_string(t.url);

    if (request.method == MethodId::get || request.method == MethodId::head)
        co_return co_await cached_get(request, t);

    ++stats_.passes;
    client::ResponseStream ex;
    cache::Time rq{}, rs{};
    if (auto failed = co_await forward(request, t, body, ex, rq, rs))
        co_return std::move(*failed);
    const int status = code(ex.response.status);
    if (!request.method.is_safe() && status >= 200 && status < 400) {
        // RFC 9111 §4.4: a non-error response to an unsafe method invalidates its target, and the
        // URLs in its Location and Content-Location when they have the same origin (a foreign
        // host must not be able to evict another site's entries).
        invalidate(t.text, request);
        for (auto name : {"Location", "Content-Location"})
            if (auto value = ex.response.fields.get(name))
                if (auto other = same_origin_reference(t.url, *value))
                    invalidate(*other, request);
    }
    co_return co_await relay(ex, request, "MISS", nullptr, nullptr);
}

core::awaitable<void> Proxy::store(std::shared_ptr<const cache::Entry> entry)
{
    const auto ec = co_await core::run_blocking(options_.blocking, [&] { return store_.put(entry); });
    if (ec)
        spdlog::warn("proxy: cannot store {}: {}", entry->primary, ec.message());
}

core::awaitable<cache::Entry> Proxy::refresh(const cache::Entry& entry, const Response& not_modified,
                                             cache::Time request_time, cache::Time response_time)
{
    auto updated = std::make_shared<cache::Entry>(entry);
    updated->response = cache::merge_not_modified(entry.response, not_modified);
    updated->request_time = request_time;
    updated->response_time = response_time;
    cache::Entry served = *updated;  // the client that asked gets the 304's Set-Cookie; the store does not
    updated->response.fields.erase("Set-Cookie");
    co_await store(std::move(updated));
    co_return served;
}

void Proxy::revalidate_in_background(asio::any_io_executor executor, const std::string& key, const Target& t,
                                     const Request& request, std::shared_ptr<const cache::Entry> entry)
{
    {
        std::lock_guard lock(background_mutex_);
        if (background_.size() >= options_.max_background || !background_.insert(key).second)
            return;
    }
    asio::co_spawn(executor, background_revalidation(key, t, request, std::move(entry)), asio::detached);
}

core::awaitable<void> Proxy::background_revalidation(std::string key, Target t, Request request,
                                                     std::shared_ptr<const cache::Entry> entry)
{
    struct Release {  // the key may be revalidated again however this ends
        Proxy& proxy;
        const std::string& key;
        ~Release()
        {
            std::lock_guard lock(proxy.background_mutex_);
            proxy.background_.erase(key);
        }
    } release{*this, key};
    request.method = Method(MethodId::get);  // a HEAD may have found the entry stale: refresh the GET
    Request conditional = cache::conditional_request(request, entry->response);
    conditional.method = Method(MethodId::get);
    conditional.fields.erase("Range");  // we want the whole response back, to store it
    conditional.fields.erase("If-Range");
    client::ResponseStream ex;
    cache::Time rq{}, rs{};
    if (co_await forward(conditional, t, nullptr, ex, rq, rs)) {
        --stats_.errors;  // logged by forward(); the stale entry stays until a client revalidates
        co_return;
    }
    ++stats_.background;
    if (ex.response.status == Status::not_modified) {
        std::string_view end;
        co_await ex.body->next(end);
        if (cache::not_modified_matches(entry->response, ex.response))
            co_await refresh(*entry, ex.response, rq, rs);
        co_return;  // a 304 selecting nothing: the next client's request revalidates in the foreground
    }
    auto fresh = storable(request, entry->primary, ex.response, rq, rs);
    if (!fresh) {
        if (status_class(ex.response.status) != 5)  // a 5xx leaves the copy for stale-if-error
            store_.erase(key);
        co_return;
    }
    std::function<core::awaitable<void>(std::string)> complete = [this,
                                                                  fresh](std::string body) -> core::awaitable<void> {
        fresh->body = std::make_shared<const std::string>(std::move(body));
        co_await store(fresh);
    };
    Relay copy(std::move(ex.body), stats_.origin_bytes, options_.max_object, std::move(complete));
    co_await copy.keep_only();
}

void Proxy::invalidate(const std::string& url, const Request& request)
{
    const std::string primary = cache::primary_key(Method(MethodId::get), url);
    const auto vary = store_.vary_of(primary);
    store_.erase(cache::full_key(primary, vary ? cache::vary_key(*vary, request) : ""));
}

core::awaitable<ProxyReply> Proxy::cached_get(const Request& request, const Target& t)
{
    const std::string primary = cache::primary_key(Method(MethodId::get), t.text);
    const auto vary = store_.vary_of(primary);
    const std::string key = cache::full_key(primary, vary ? cache::vary_key(*vary, request) : "");
    const bool only_if_cached = parse_cache_control(request.fields.combined("Cache-Control")).only_if_cached;
    const cache::Time now = wall_now();

    if (auto entry = store_.find(key)) {
        const auto age = cache::current_age(entry->response, entry->request_time, entry->response_time, now);
        const Response view = cache_view(entry->response);
        const auto lifetime = cache::freshness_lifetime(view, options_.policy, entry->response_time);
        const auto use = cache::decide(request, view, age, lifetime, options_.policy);
        if (use == cache::Use::fresh || use == cache::Use::stale_ok) {
            ++stats_.hits;
            stats_.bytes_saved += entry->body->size();
            co_return from_entry(*entry, request, "HIT", now);
        }
        if (use == cache::Use::stale_while_revalidate) {
            ++stats_.stale;
            stats_.bytes_saved += entry->body->size();
            auto executor = co_await asio::this_coro::executor;
            revalidate_in_background(executor, key, t, request, entry);
            co_return from_entry(*entry, request, "STALE", now);
        }
        if (only_if_cached)
            co_return error(Status::gateway_timeout, "Gateway Timeout", "only-if-cached and the copy is stale");
        // RFC 5861 §4: when the origin fails (no answer, or a 5xx), a stale copy may answer instead.
        const bool stale_if_error = cache::stale_if_error_allows(request, view, age, lifetime, options_.policy);
        // RFC 9111 §4.3.1: validate with what we hold; our conditionals replace the client's.
        Request conditional = cache::conditional_request(request, entry->response);
        conditional.method = Method(MethodId::get);
        client::ResponseStream ex;
        cache::Time rq{}, rs{};
        if (auto failed = co_await forward(conditional, t, nullptr, ex, rq, rs)) {
            if (!stale_if_error)
                co_return std::move(*failed);
            --stats_.errors;  // not an error the client sees
            ++stats_.stale;
            co_return from_entry(*entry, request, "STALE", now);
        }
        if (stale_if_error && status_class(ex.response.status) == 5) {
            spdlog::info("proxy: {} from the origin for {}: serving the stale copy (stale-if-error)",
                         code(ex.response.status), t.text);
            ++stats_.stale;
            co_return from_entry(*entry, request, "STALE", now);  // the 5xx's connection is dropped
        }
        if (ex.response.status == Status::not_modified && cache::not_modified_matches(entry->response, ex.response)) {
            std::string_view end;
            co_await ex.body->next(end);  // a 304 has no body: this gives the connection back to the pool
            ++stats_.revalidated;
            stats_.bytes_saved += entry->body->size();
            const cache::Entry served = co_await refresh(*entry, ex.response, rq, rs);
            co_return from_entry(served, request, "REVALIDATED", rs, true);
        }
        if (ex.response.status == Status::not_modified) {
            // §4.3.4: a 304 that selects nothing we hold answers our question, not the client's.
            // Ask again without conditions; a conditional client still gets its 304 from relay().
            std::string_view end;
            co_await ex.body->next(end);
            Request unconditional = request;
            cache::strip_preconditions(unconditional.fields);
            if (auto failed = co_await forward(unconditional, t, nullptr, ex, rq, rs))
                co_return std::move(*failed);
        }
        ++stats_.misses;
        auto fresh = storable(request, primary, ex.response, rq, rs);
        if (!fresh)
            store_.erase(key);
        co_return co_await relay(ex, request, "MISS", std::move(fresh), nullptr);
    }
    if (only_if_cached)
        co_return error(Status::gateway_timeout, "Gateway Timeout", "only-if-cached and nothing is stored");

    // A miss. HEAD is forwarded as it is; GET misses for one key are collapsed into one fetch.
    auto guard = std::make_shared<FlightGuard>(flights_, key);
    if (request.method == MethodId::get) {
        auto [flight, leader] = flights_.join(key);
        if (!leader) {
            ++stats_.collapsed;
            auto entry = co_await flight->wait();
            // The leader's Vary may select another variant than ours: then fetch our own.
            if (entry && cache::full_key(entry->primary, cache::vary_key(entry->vary, request)) == entry->key) {
                ++stats_.hits;
                stats_.bytes_saved += entry->body->size();
                co_return from_entry(*entry, request, "HIT", wall_now());
            }
        } else {
            guard->flight = flight;
        }
    }
    ++stats_.misses;
    Request upstream_request = request;
    cache::strip_preconditions(upstream_request.fields);  // a full response fills the cache
    client::ResponseStream ex;
    cache::Time rq{}, rs{};
    if (auto failed = co_await forward(upstream_request, t, nullptr, ex, rq, rs))
        co_return std::move(*failed);
    auto entry = storable(request, primary, ex.response, rq, rs);
    co_return co_await relay(ex, request, "MISS", std::move(entry), std::move(guard));
}

core::awaitable<std::optional<ProxyReply>> Proxy::forward(const Request& request, const Target& t,
                                                          core::ByteSource* body, client::ResponseStream& ex,
                                                          cache::Time& request_time, cache::Time& response_time)
{
    Request up;
    up.method = request.method;
    up.fields = request.fields;
    strip_hop_by_hop(up.fields);
    // RFC 9112 §3.2.2: the target URI's authority replaces Host; the client adds it from the URL.
    up.fields.erase("Host");
    up.fields.erase("Content-Length");
    append_via(up.fields, request.version, options_.via_name);
    if (options_.origin)  // a surrogate announces itself so the origin may send it Surrogate-Control
        up.fields.add("Surrogate-Capability", std::string(surrogate_token) + "=\"Surrogate/1.0\"");
    ++stats_.origin_requests;
    request_time = wall_now();
    // Found per upstream request (asio's service lookup, a lock): small beside the request itself.
    client::Client& client = upstream(core::WorkerSlots::of(co_await asio::this_coro::executor));
    auto result = co_await client.open(t.url, std::move(up), body);
    response_time = wall_now();
    if (!result) {
        const auto& f = result.error();
        if (f.error == client::Error::timeout) {
            spdlog::warn("proxy: upstream timeout for {}: {}", t.text, f.detail);
            co_return error(Status::gateway_timeout, "Gateway Timeout", "the upstream server did not answer in time");
        }
        if (f.error == client::Error::bad_response || f.error == client::Error::empty_reply)
            spdlog::warn("proxy: malformed response from upstream for {}: {} ({})", t.text, client::describe(f.error),
                         f.detail);
        else
            spdlog::warn("proxy: upstream failed for {}: {} ({})", t.text, client::describe(f.error), f.detail);
        co_return error(Status::bad_gateway, "Bad Gateway",
                        std::string(client::describe(f.error)) + (f.detail.empty() ? "" : ": " + f.detail));
    }
    ex = std::move(result.value());
    strip_hop_by_hop(ex.response.fields);
    // RFC 9110 §6.6.1: a recipient with a clock adds Date to a response it caches or forwards.
    if (!ex.response.fields.contains("Date"))
        ex.response.fields.add("Date", format_http_date(response_time));
    co_return std::nullopt;
}

Response Proxy::cache_view(const Response& response) const
{
    return options_.origin ? cache::surrogate_view(response, surrogate_token) : response;
}

void Proxy::client_fields(Fields& fields, std::string_view x_cache) const
{
    append_via(fields, Version{1, 1}, options_.via_name);
    fields.set("X-Cache", x_cache);
    // Surrogate-Control is for surrogates; the one nearest the client removes it (§2.2).
    if (options_.origin)
        fields.erase("Surrogate-Control");
}

std::shared_ptr<cache::Entry> Proxy::storable(const Request& request, const std::string& primary,
                                              const Response& response, cache::Time request_time,
                                              cache::Time response_time)
{
    if (request.method != MethodId::get || !cache::is_storable(request, cache_view(response), options_.policy))
        return nullptr;
    auto names = cache::vary_names(response);
    if (!names)
        return nullptr;
    auto e = std::make_shared<cache::Entry>();
    e->primary = primary;
    e->vary = std::move(*names);
    e->key = cache::full_key(primary, cache::vary_key(e->vary, request));
    e->response = response;
    e->response.reason.clear();
    // One client's cookie must not reach another (RFC 6265 §8, RFC 9111 §7.3): a response with
    // Set-Cookie is stored only when the policy allows it, and then without the field.
    e->response.fields.erase("Set-Cookie");
    e->request_time = request_time;
    e->response_time = response_time;
    return e;
}

ProxyReply Proxy::from_entry(const cache::Entry& entry, const Request& request, std::string_view x_cache,
                             cache::Time now, bool validated)
{
    ProxyReply r;
    r.response = entry.response;
    if (!validated)
        cache::strip_no_cache_fields(r.response.fields);                  // §5.2.2.4: those fields need validation
    auto partial = cache::range_reply(request, r.response, *entry.body);  // RFC 9111 §3.4 ranges
    if (partial)
        r.response = std::move(partial->response);
    const auto age = cache::current_age(entry.response, entry.request_time, entry.response_time, now);
    r.response.fields.set("Age", std::to_string(age.count()));
    client_fields(r.response.fields, x_cache);
    if (cache::client_not_modified(request, entry.response)) {
        r.response.status = Status::not_modified;
        r.response.fields.erase("Content-Length");
        return r;
    }
    if (partial) {
        r.body = std::make_shared<const std::string>(std::move(partial->body));
        return r;
    }
    r.body = entry.body;
    r.head_only = request.method == MethodId::head;
    return r;
}

core::awaitable<ProxyReply> Proxy::relay(client::ResponseStream& ex, const Request& request, std::string_view x_cache,
                                         std::shared_ptr<cache::Entry> entry, std::shared_ptr<FlightGuard> flight)
{
    std::function<core::awaitable<void>(std::string)> complete;
    if (entry)
        complete = [this, entry, flight](std::string body) -> core::awaitable<void> {
            entry->body = std::make_shared<const std::string>(std::move(body));
            co_await store(entry);
            if (flight)
                flight->finish(entry);
        };
    // The guard goes with the relay: followers are released when the body has gone through.
    auto source = std::make_shared<Relay>(std::move(ex.body), stats_.origin_bytes, entry ? options_.max_object : 0,
                                          std::move(complete));
    ProxyReply r;
    r.response = std::move(ex.response);
    client_fields(r.response.fields, x_cache);
    if (request.method == MethodId::get && cache::client_not_modified(request, r.response)) {
        r.response.status = Status::not_modified;
        r.response.fields.erase("Content-Length");
        co_await source->keep_only();  // the client has the body; the cache may still want it
        co_return r;
    }
    if (request.method == MethodId::head) {
        r.head_only = true;  // the upstream's Content-Length describes the GET body: keep it
        co_await source->keep_only();
        co_return r;
    }
    if (forbids_content(r.response.status))
        co_await source->keep_only();
    else
        r.source = std::move(source);
    co_return r;
}

}  // namespace layer7::http::proxy
