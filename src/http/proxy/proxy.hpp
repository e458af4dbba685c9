// The caching proxy's HTTP semantics (RFC 9110 §7.6, RFC 9111): one request in, one reply out.
// Forward mode takes absolute-form targets; with `origin` set it is a reverse proxy (accelerator)
// for that one site. GET goes through the cache (fresh → HIT, stale → conditional GET →
// REVALIDATED or MISS, concurrent misses collapsed; RFC 5861 stale-while-revalidate and
// stale-if-error → STALE); other methods pass through and invalidate.
// The h1 connection shell (connection.hpp) and CONNECT tunnels (tunnel.hpp) sit around it.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/net/asio.hpp"
#include "core/net/worker_slots.hpp"
#include "core/runtime/blocking_pool.hpp"
#include "http/cache/freshness.hpp"
#include "http/cache/store.hpp"
#include "http/client/client.hpp"
#include "http/message/message.hpp"
#include "http/proxy/flights.hpp"
#include "http/proxy/stats.hpp"

namespace layer7::http::proxy {

struct Options {
    std::optional<Url> origin;                      // reverse-proxy mode: every request goes here
    std::string via_name = "layer7";                // our Via received-by (the listen ADDR): loops → 508
    std::vector<std::uint16_t> connect_ports{443};  // CONNECT elsewhere → 403
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds upstream_timeout{30000};  // no byte from the origin this long → 504
    std::uint64_t max_body = std::uint64_t(1) << 40;    // upstream response bodies (streamed); larger → cut
    std::uint64_t max_object = 16u << 20;               // larger responses are served but not stored
    std::uint64_t cache_max_bytes = 256u << 20;         // for the status page
    cache::Policy policy;                               // shared cache
    std::size_t max_background = 64;                    // stale-while-revalidate fetches at once (one per key)
    std::shared_ptr<core::NameService> names;           // origins' names: null = hosts file + system resolver
    core::BlockingPool* blocking = nullptr;             // the disk store's writes (fsync) run there; null: in place
};

struct ProxyReply {
    Response response;
    std::shared_ptr<const std::string> body;   // null: no body (or a streamed one)
    std::shared_ptr<core::ByteSource> source;  // the origin's body, relayed as the client takes it
    bool head_only = false;                    // answer to HEAD: the fields describe a body that is not sent
    bool close = false;
};

struct FlightGuard;

class Proxy {
public:
    Proxy(Options options, cache::Store& store);

    // `body`: the request's content as it arrives (null when it has none), streamed to the origin.
    core::awaitable<ProxyReply> handle(const Request& request, core::ByteSource* body);
    bool connect_allowed(std::uint16_t port) const;
    const Options& options() const { return options_; }
    Stats& stats() { return stats_; }
    // This proxy's upstream client on `worker` (its pooled sockets belong to that worker).
    client::Client& upstream(core::WorkerSlots& worker);

private:
    struct Target;
    ProxyReply error(Status status, std::string_view reason, std::string_view text);
    ProxyReply status_page();
    core::awaitable<ProxyReply> cached_get(const Request& request, const Target& target);
    // The stored entry updated by a 304 that selects it (§4.3.4); stored without Set-Cookie, returned with.
    core::awaitable<cache::Entry> refresh(const cache::Entry& entry, const Response& not_modified,
                                          cache::Time request_time, cache::Time response_time);
    // Stores `entry` (temp file, fsync, rename) on the blocking pool; a failure is logged.
    core::awaitable<void> store(std::shared_ptr<const cache::Entry> entry);
    // RFC 5861 §3: revalidates `entry` on the calling executor without anyone waiting; at most one
    // per key and `max_background` in all (beyond that the stale entry simply waits for a client).
    void revalidate_in_background(asio::any_io_executor executor, const std::string& key, const Target& target,
                                  const Request& request, std::shared_ptr<const cache::Entry> entry);
    core::awaitable<void> background_revalidation(std::string key, Target target, Request request,
                                                  std::shared_ptr<const cache::Entry> entry);
    // Removes what is stored for a GET of `url` (the variant `request`'s fields select).
    void invalidate(const std::string& url, const Request& request);
    // Sends upstream; fills `ex` or returns the 502/504 to send instead.
    core::awaitable<std::optional<ProxyReply>> forward(const Request& request, const Target& target,
                                                       core::ByteSource* body, client::ResponseStream& ex,
                                                       cache::Time& request_time, cache::Time& response_time);
    // A stored response as the client gets it; `validated`: the origin has just confirmed it.
    ProxyReply from_entry(const cache::Entry& entry, const Request& request, std::string_view x_cache, cache::Time now,
                          bool validated = false);
    // The origin's answer relayed to the client; stored on the way when `entry` is set (a storable
    // GET), and `flight`'s followers released with it.
    core::awaitable<ProxyReply> relay(client::ResponseStream& ex, const Request& request, std::string_view x_cache,
                                      std::shared_ptr<cache::Entry> entry, std::shared_ptr<FlightGuard> flight);
    // The response as our cache judges it: in reverse mode Surrogate-Control takes precedence.
    Response cache_view(const Response& response) const;
    // Via, X-Cache, and (reverse mode) Surrogate-Control removed: what every client-bound head gets.
    void client_fields(Fields& fields, std::string_view x_cache) const;
    // The entry a response would be stored as (its body still to come), or null if not storable.
    std::shared_ptr<cache::Entry> storable(const Request& request, const std::string& primary, const Response& response,
                                           cache::Time request_time, cache::Time response_time);

    Options options_;
    cache::Store& store_;
    Flights flights_;
    Stats stats_;
    core::WorkerKey<client::Client> upstream_key_;  // one client per worker
    std::mutex background_mutex_;
    std::unordered_set<std::string> background_;  // keys being revalidated in the background
};

}  // namespace layer7::http::proxy
