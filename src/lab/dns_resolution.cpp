// Experiment 3, `dns-resolution`: the iterated query of the textbook's Figure 2.19 — layer7's
// resolver asks the private root, then the edu TLD server, then umass.edu's authoritative server
// for gaia.cs.umass.edu — with each of those servers behind an emulated link. A cold cache costs
// three round trips, a cache that knows edu already two, a warm one none.
#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <unistd.h>

#include "dns/resolver/iterative_resolver.hpp"
#include "dns/resolver/root_hints.hpp"
#include "demo/hierarchy_service.hpp"
#include "lab/dns_summary.hpp"
#include "lab/experiment.hpp"
#include "lab/relay.hpp"
#include "lab/stats.hpp"
#include "lab/transcript.hpp"

namespace layer7::lab {

namespace {

using asio::ip::udp;

// The hierarchy as the resolver sees it (the relays), and where its servers really listen.
constexpr const char* named_first = "127.0.56.2";
constexpr const char* listen_first = "127.0.57.2";

// What the textbook measures: the question, what the cache holds before it, the round trips.
struct Case {
    const char* label;
    const char* warm_up;  // resolved first (not timed), after the cache was emptied; null: none
    bool keep_cache;      // the timed question was asked before too (a cache hit)
    bool after_ttl;       // the timed question comes once everything cached has expired
    int round_trips;
};
constexpr const char* question = "gaia.cs.umass.edu";
constexpr Case cases[] = {
    {"cold cache: root, edu, umass.edu", nullptr, false, false, 3},
    {"edu cached: edu, umass.edu", "www.hamburger.edu", false, false, 2},
    {"warm cache: none", question, true, false, 0},
    {"after the TTL: root, edu, umass.edu", question, false, true, 3},
};
// The cache keeps nothing longer than this (as Unbound's cache-max-ttl), so that expiry shows in
// seconds rather than the zones' hour.
constexpr std::uint32_t max_ttl_s = 2;

class DnsResolution : public Experiment {
public:
    std::string_view name() const override { return "dns-resolution"; }
    std::string_view title() const override
    {
        return "Iterated DNS resolution through root, TLD and authoritative servers: cold and warm cache";
    }

    void start(core::Runtime& servers, const Settings& settings) override
    {
        if (::geteuid() != 0)
            throw core::StartError("the DNS hierarchy listens on port 53, which needs root");
        demo::HierarchyConfig config;
        config.first_address = named_first;
        config.listen_first_address = listen_first;
        config.data_dir = settings.work_dir;
        config.on_serving = [this](const std::string& hints) { hints_ = hints; };
        service_ = demo::make_hierarchy_service(config);
        if (service_->start(servers).empty() || hints_.empty())
            throw core::StartError("the DNS hierarchy did not start (port 53 taken on " + std::string(listen_first) +
                                   "?)");
    }

    core::awaitable<Report> measure(asio::io_context& io, const Settings& s) override;

private:
    std::unique_ptr<core::Service> service_;
    std::string hints_;
};

core::awaitable<Report> DnsResolution::measure(asio::io_context& io, const Settings& s)
{
    const double loss = s.loss.value_or(0);
    std::vector<double> rtts{10, 25, 50, 100};
    if (s.rtt_ms)
        rtts = {*s.rtt_ms};
    else if (s.quick)
        rtts = {20, 50};

    // One relay (and link) in front of each server, on the address the zones name.
    const auto named = *demo::hierarchy_addresses(named_first), listening = *demo::hierarchy_addresses(listen_first);
    const auto hierarchy = demo::make_hierarchy(named);
    std::vector<std::shared_ptr<Path>> paths;
    std::vector<std::unique_ptr<UdpRelay>> relays;
    for (std::size_t i = 0; i < named.size(); ++i) {
        paths.push_back(
            std::make_shared<Path>(half_of(rtts.front(), 0, loss), half_of(rtts.front(), 0, loss), s.seed + 2 * i));
        relays.push_back(std::make_unique<UdpRelay>(io, udp::endpoint(asio::ip::make_address(named[i]), 53),
                                                    udp::endpoint(asio::ip::make_address(listening[i]), 53),
                                                    paths.back()));
    }
    auto root = dns::resolver::parse_root_hints(hints_, "root.hints");
    if (!root.ok())
        throw std::runtime_error("root hints: " + root.error());
    dns::resolver::ResolverOptions options;
    options.iteration.root = std::move(root).value();
    options.cache.max_ttl = max_ttl_s;
    dns::resolver::IterativeResolver resolver(options);

    auto resolve = [&](const char* text) -> core::awaitable<void> {
        auto name = dns::Name::parse(text);
        auto r = co_await resolver.resolve(name.value(), dns::RrType::a);
        if (!r.ok() || r.value().answers.empty())
            throw std::runtime_error(std::string("could not resolve ") + text);
    };
    auto prepare = [&](const Case& c) -> core::awaitable<void> {
        if (c.keep_cache)
            co_return;
        resolver.cache().clear();
        if (c.warm_up)
            co_await resolve(c.warm_up);
        if (c.after_ttl) {
            asio::steady_timer expiry(io, std::chrono::milliseconds(max_ttl_s * 1000 + 100));
            co_await expiry.async_wait(core::use_tuple);
        }
    };

    Report r = new_report(*this);
    r.paragraphs = {
        "The textbook's Figure 2.19: a local DNS server resolves gaia.cs.umass.edu by asking a root server, which "
        "refers it to the edu TLD server, which refers it to umass.edu's authoritative server, which answers. "
        "Here the local server is layer7's iterative resolver and the three others are layer7's authoritative "
        "servers of the private hierarchy, each behind its own emulated link with the round-trip time on the x "
        "axis.",
        "Formula: one RTT per server asked. Cold cache: 3·RTT. When the cache already knows edu's servers (after "
        "resolving www.hamburger.edu): 2·RTT. When the answer itself is cached, until its TTL runs out: 0. "
        "Once the TTLs have run out (the lab's resolver keeps nothing longer than 2 s, as Unbound's "
        "cache-max-ttl would), the answer costs 3·RTT again. "
        "The host's own query to its local server is not part of this measurement.",
        "The transcripts show each query and reply as it reached the far end of its link."};
    r.x_name = "RTT to each server (ms)";
    r.y_unit = "ms";

    for (const auto& c : cases) {
        Transcript transcript;
        const Time start = Clock::now();
        for (std::size_t i = 0; i < paths.size(); ++i)
            paths[i]->tap = [&, server = hierarchy.servers[i], n = i + 1](Time at, std::uint64_t, bool from_client,
                                                                          std::string_view bytes) {
                transcript.add(ms_between(start, at), n, from_client,
                               (from_client ? "to " : "from ") + server.name + " (" + server.origin +
                                   "): " + dns_summary(bytes) + "\n");
            };
        co_await prepare(c);
        transcript.note(ms_between(start, Clock::now()), std::string("resolving ") + question + " (timed)");
        co_await resolve(question);
        for (auto& p : paths)
            p->tap = nullptr;
        char title[160];
        std::snprintf(title, sizeof title, "%s, RTT %.0f ms", c.label, rtts.front());
        r.steps.push_back({title, transcript.text()});
    }

    Chart chart{"Resolving gaia.cs.umass.edu", r.x_name, "resolution time (ms)", {}};
    for (const auto& c : cases) {
        Series measured{c.label, {}, false}, formula{std::string(c.label) + " (formula)", {}, true};
        for (double rtt : rtts) {
            for (auto& p : paths) {
                p->up.respec(half_of(rtt, 0, loss));
                p->down.respec(half_of(rtt, 0, loss));
            }
            Sample sample;
            do {
                co_await prepare(c);
                const Time start = Clock::now();
                co_await resolve(question);
                sample.add(ms_between(start, Clock::now()));
            } while (!sample.done(s.min_runs, s.max_runs) && !(c.round_trips == 0 && sample.size() >= s.min_runs));
            Row row{c.label, rtt, sample.mean(), sample.half_width(), c.round_trips * rtt, sample.size()};
            measured.points.push_back({rtt, row.measured, row.err});
            formula.points.push_back({rtt, row.formula, 0});
            r.rows.push_back(row);
        }
        chart.series.push_back(std::move(measured));
        chart.series.push_back(std::move(formula));
    }
    r.charts.push_back(std::move(chart));

    r.parameters = {
        {"RTT to each server (ms)", sweep_text(rtts)},
        {"loss", std::to_string(loss)},
        {"servers (as named in the zones)", std::string(named.front()) + " to " + named.back() + ", port 53"},
        {"question", std::string(question) + " A"},
        {"seed", std::to_string(s.seed)},
        {"runs per point", std::to_string(s.min_runs) + " to " + std::to_string(s.max_runs) +
                               ", until the 95 % interval is under 5 % of the mean (the warm case: " +
                               std::to_string(s.min_runs) + ", its time is all noise)"}};
    co_return r;
}

}  // namespace

std::unique_ptr<Experiment> make_dns_resolution()
{
    return std::make_unique<DnsResolution>();
}

}  // namespace layer7::lab
