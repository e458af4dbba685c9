// Experiment 2, `web-cache`: the institutional network of the textbook's §2.2.5. Browsers on a
// fast LAN request objects from an origin server across an access link of limited rate; the
// requests arrive at random (Poisson) at a rate that loads the link to 90 % without a cache. The
// remedies compared: a ten times faster access link, and layer7's caching proxy on the LAN, whose
// hit rate comes from the request mix (how many distinct objects the browsers ask for).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>

#include "http/proxy/service.hpp"
#include "http/server/service.hpp"
#include "lab/experiment.hpp"
#include "lab/http_exchange.hpp"
#include "lab/relay.hpp"
#include "lab/stats.hpp"
#include "lab/transcript.hpp"

namespace layer7::lab {

namespace {

using asio::ip::tcp;
using core::use_tuple;

constexpr double load = 0.9;  // the access link's traffic intensity without a cache

struct Scenario {
    std::string label;
    double link_factor = 1;  // the access link's rate, times the base rate
    bool cache = false;
    std::size_t catalogue = 0;  // distinct objects in the mix; 0: every request a new object
};

struct Outcome {
    double utilisation = 0;  // of the access link (server to LAN)
    double mean_delay_ms = 0;
    double mix_hit_rate = 0;  // the requests that repeat an earlier one
};

// A browser's request: when it is made and what it asks for.
struct Request {
    double at_s;
    std::string target;  // a path, or an absolute URL for the proxy
};

// Makes `r` at its time on a new connection; adds its response time to `delays`.
core::awaitable<void> browse(const Request& r, Time start, tcp::endpoint server, Sample& delays, Time& last_done)
{
    asio::steady_timer wait(co_await asio::this_coro::executor,
                            start + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(r.at_s)));
    co_await wait.async_wait(use_tuple);
    const Time sent = Clock::now();
    auto c = co_await connect_http(server);
    const std::vector<std::string> target{r.target};
    co_await c->get(target, false);
    const Time done = Clock::now();
    delays.add(ms_between(sent, done));
    last_done = std::max(last_done, done);
}

class WebCache : public Experiment {
public:
    std::string_view name() const override { return "web-cache"; }
    std::string_view title() const override
    {
        return "The institutional cache: access-link utilisation and delay, without and with a cache";
    }

    void start(core::Runtime& servers, const Settings& s) override
    {
        object_bytes_ = s.quick ? 25'000 : 100'000;
        const std::string root = s.work_dir + "/origin";
        for (const char* dir : {"/obj", "/revalidate"}) {
            std::filesystem::create_directories(root + dir);
            std::ofstream out(root + dir + "/object.bin", std::ios::binary);
            out << std::string(object_bytes_, 'x');
        }
        http::ServerConfig origin;
        origin.listen = core::HostPort{"127.0.0.1", 0};
        origin.root = root;
        origin.data_dir = s.work_dir;
        origin.h2 = false;
        origin.site.gzip = false;
        // /obj/ fresh for an hour; /revalidate/ stale at once, so the cache asks with a conditional GET
        origin.site.cache_rules = {{"/obj/", 3600}, {"/revalidate/", 0}};
        origin_service_ = http::make_service(origin);
        origin_ =
            tcp::endpoint(asio::ip::make_address("127.0.0.1"), row_port(origin_service_->start(servers).at(0).address));

        http::proxy::Config proxy;
        proxy.listen = core::HostPort{"127.0.0.1", 0};
        proxy.cache_dir = "none";
        proxy.data_dir = s.work_dir;
        proxy.h2 = false;
        proxy_service_ = http::proxy::make_service(proxy);
        proxy_ =
            tcp::endpoint(asio::ip::make_address("127.0.0.1"), row_port(proxy_service_->start(servers).at(0).address));
    }

    core::awaitable<Report> measure(asio::io_context& io, const Settings& s) override;

private:
    core::awaitable<Outcome> run(const Scenario& scenario, std::uint64_t seed, Path& link, tcp::endpoint relay,
                                 double rate_bps, std::size_t requests, Transcript* transcript);

    std::size_t object_bytes_ = 0;
    std::unique_ptr<core::Service> origin_service_, proxy_service_;
    tcp::endpoint origin_, proxy_;
    std::uint64_t run_id_ = 0;  // each run asks for URLs of its own: the proxy's cache starts cold
};

core::awaitable<Outcome> WebCache::run(const Scenario& scenario, std::uint64_t seed, Path& link, tcp::endpoint relay,
                                       double rate_bps, std::size_t requests, Transcript* transcript)
{
    const double service_s = static_cast<double>(object_bytes_) * 8 / rate_bps;  // at the base rate
    const double arrivals_per_s = load / service_s;
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> gap(arrivals_per_s);
    const std::uint64_t id = ++run_id_;
    std::set<std::size_t> seen;
    std::size_t repeats = 0;

    std::vector<Request> plan;
    double at = 0;
    for (std::size_t i = 0; i < requests; ++i) {
        at += gap(rng);
        const std::size_t object =
            scenario.catalogue ? std::uniform_int_distribution<std::size_t>(0, scenario.catalogue - 1)(rng) : i;
        repeats += seen.insert(object).second ? 0 : 1;
        const std::string path = "/obj/object.bin?run=" + std::to_string(id) + "&object=" + std::to_string(object);
        plan.push_back({at, scenario.cache ? "http://127.0.0.1:" + std::to_string(relay.port()) + path : path});
    }

    const auto down_before = link.down.bytes();
    Sample delays;
    const Time start = Clock::now();
    Time last_done = start;
    std::vector<core::awaitable<void>> browsers;
    for (const auto& r : plan)
        browsers.push_back(browse(r, start, scenario.cache ? proxy_ : relay, delays, last_done));
    if (transcript)
        link.tap = [&](Time t, std::uint64_t connection, bool from_client, std::string_view bytes) {
            transcript->add(ms_between(start, t), connection, from_client, bytes);
        };
    co_await all_of(std::move(browsers));
    link.tap = nullptr;

    Outcome o;
    const double seconds = std::chrono::duration<double>(last_done - start).count();
    const double link_rate = rate_bps * scenario.link_factor;
    o.utilisation = static_cast<double>(link.down.bytes() - down_before) * 8 / (link_rate * seconds);
    o.mean_delay_ms = delays.mean();
    o.mix_hit_rate = scenario.cache ? static_cast<double>(repeats) / static_cast<double>(requests) : 0;
    co_return o;
}

LinkSpec access_link(double rtt_ms, double rate_bps, double loss)
{
    LinkSpec link = half_of(rtt_ms, rate_bps, loss);
    link.queue_bytes = 4u << 20;  // a router's buffer that holds the bursts a 90 % load brings
    return link;
}

core::awaitable<Report> WebCache::measure(asio::io_context& io, const Settings& s)
{
    const double rate_bps = s.rate_mbps.value_or(10) * 1e6, rtt = s.rtt_ms.value_or(20), loss = s.loss.value_or(0);
    const std::size_t requests = s.quick ? 80 : 300;
    std::vector<Scenario> scenarios{{"no cache", 1, false, 0}, {"access link 10x faster", 10, false, 0}};
    for (std::size_t catalogue :
         s.quick ? std::vector<std::size_t>{40, 12} : std::vector<std::size_t>{240, 100, 40, 12})
        scenarios.push_back({"cache, " + std::to_string(catalogue) + " distinct objects", 1, true, catalogue});

    auto path = std::make_shared<Path>(access_link(rtt, rate_bps, loss), access_link(rtt, rate_bps, loss), s.seed);
    TcpRelay relay(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), origin_, path);

    Report r = new_report(*this);
    char text[512];
    std::snprintf(text, sizeof text,
                  "Browsers on a LAN request %zu-byte objects from an origin server behind an access link of %.3g "
                  "Mbit/s with an Internet round trip of %.3g ms. Requests arrive at random (Poisson) at the rate "
                  "that makes the link's traffic intensity %.0f %% without a cache, each on a new TCP connection.",
                  object_bytes_, rate_bps / 1e6, rtt, load * 100);
    r.paragraphs = {std::string(text),
                    "Formula: the access link's utilisation is the traffic intensity times the share of requests "
                    "that cross it: λ·L/R·(1 − h), where h is the hit rate the request mix allows (the share of "
                    "requests for an object asked for before in the same run). A ten times faster link divides it "
                    "by ten. As utilisation nears 1 the queueing delay grows without bound (M/D/1: "
                    "ρ/(2(1−ρ))·L/R), which is what the cache takes away.",
                    "The transcript is the access link's view of the no-cache and the cache runs."};
    r.x_name = "hit rate of the request mix";
    r.y_unit = "% utilisation";

    Chart utilisation{"Access-link utilisation", "hit rate of the request mix", "utilisation (%)", {}};
    Chart delay{"Mean response time", "hit rate of the request mix", "response time (ms)", {}};
    Series formula_line{"formula λ·L/R·(1 − h)", {}, true};
    for (const auto& scenario : scenarios) {
        path->up.respec(access_link(rtt, rate_bps * scenario.link_factor, loss));
        path->down.respec(access_link(rtt, rate_bps * scenario.link_factor, loss));
        Sample use, ms, hits;
        std::uint64_t seed = s.seed;
        do {
            const auto o = co_await run(scenario, seed++, *path, relay.local(), rate_bps, requests, nullptr);
            use.add(o.utilisation * 100);
            ms.add(o.mean_delay_ms);
            hits.add(o.mix_hit_rate);
        } while (!use.done(s.min_runs, s.max_runs));
        const double h = hits.mean();
        const double formula = load / scenario.link_factor * (1 - h) * 100;
        r.rows.push_back({scenario.label, h, use.mean(), use.half_width(), formula, use.size()});
        utilisation.series.push_back({scenario.label, {{h, use.mean(), use.half_width()}}, false});
        delay.series.push_back({scenario.label, {{h, ms.mean(), ms.half_width()}}, false});
        if (scenario.link_factor == 1)
            formula_line.points.push_back({h, formula, 0});
        std::snprintf(text, sizeof text, "%.1f ms ± %.1f", ms.mean(), ms.half_width());
        r.parameters.emplace_back("mean response time, " + scenario.label, text);
    }
    utilisation.series.push_back(std::move(formula_line));
    r.charts = {std::move(utilisation), std::move(delay)};

    for (const auto& scenario : {scenarios.front(), scenarios.back()}) {
        Transcript transcript(120);
        path->up.respec(access_link(rtt, rate_bps, loss));
        path->down.respec(access_link(rtt, rate_bps, loss));
        co_await run(scenario, s.seed, *path, relay.local(), rate_bps, 8, &transcript);
        r.steps.push_back({scenario.label + ": the first requests across the access link", transcript.text()});
    }

    // Conditional GET: an object stored stale (max-age=0) is revalidated on the next request; only
    // the 304's head crosses the access link.
    {
        Transcript transcript(60);
        const Time start = Clock::now();
        path->tap = [&](Time t, std::uint64_t connection, bool from_client, std::string_view bytes) {
            transcript.add(ms_between(start, t), connection, from_client, bytes);
        };
        const std::vector<std::string> target{"http://127.0.0.1:" + std::to_string(relay.local().port()) +
                                              "/revalidate/object.bin"};
        std::uint64_t crossed[2];
        for (auto& bytes : crossed) {
            const auto before = path->down.bytes();
            auto c = co_await connect_http(proxy_);
            co_await c->get(target, false);
            bytes = path->down.bytes() - before;
        }
        path->tap = nullptr;
        std::snprintf(text, sizeof text, "%llu bytes over the access link the first time, %llu when revalidated (304)",
                      static_cast<unsigned long long>(crossed[0]), static_cast<unsigned long long>(crossed[1]));
        r.parameters.emplace_back("conditional GET through the cache", text);
        r.steps.push_back({"conditional GET: an object stored stale (max-age=0), asked for twice", transcript.text()});
    }

    std::snprintf(text, sizeof text, "%.3g Mbit/s (x10 in the faster-link case), RTT %.3g ms, loss %.3g",
                  rate_bps / 1e6, rtt, loss);
    r.parameters.emplace(r.parameters.begin(), "access link", text);
    r.parameters.emplace(r.parameters.begin() + 1, "object size", std::to_string(object_bytes_) + " bytes");
    r.parameters.emplace(r.parameters.begin() + 2, "requests per run", std::to_string(requests));
    r.parameters.emplace_back("seed", std::to_string(s.seed) + " (one more per repeated run)");
    co_return r;
}

}  // namespace

std::unique_ptr<Experiment> make_web_cache()
{
    return std::make_unique<WebCache>();
}

}  // namespace layer7::lab
