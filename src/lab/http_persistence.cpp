// Experiment 1, `http-persistence`: the demo page (a base file and the ten images it references)
// loaded over non-persistent, parallel non-persistent, persistent and pipelined HTTP/1.1 through
// the emulated link, against the textbook's response times.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "demo/site.hpp"
#include "http/client/page_links.hpp"
#include "http/client/redirect.hpp"
#include "http/message/target.hpp"
#include "http/server/service.hpp"
#include "lab/experiment.hpp"
#include "lab/http_exchange.hpp"
#include "lab/relay.hpp"
#include "lab/stats.hpp"
#include "lab/transcript.hpp"

namespace layer7::lab {

namespace {

using asio::ip::tcp;

// How the page's objects travel: the textbook's four ways.
struct Mode {
    const char* label;
    bool persistent;
    bool pipelined;
    unsigned parallel;  // connections at once for the objects (non-persistent)
};
constexpr Mode modes[] = {
    {"non-persistent", false, false, 1},
    {"non-persistent, 5 parallel", false, false, 5},
    {"persistent", true, false, 1},
    {"persistent, pipelined", true, true, 1},
};

// The textbook's response time for N objects after the base: a TCP handshake and a request per
// new connection (2 RTT), one RTT per request on an open one, plus the time to transmit it all.
double formula_ms(const Mode& m, std::size_t objects, double rtt, double transmit)
{
    const double n = static_cast<double>(objects);
    double rtts;
    if (!m.persistent)
        rtts = 2 * (1 + std::ceil(n / m.parallel));
    else if (m.pipelined)
        rtts = 2 + 1;
    else
        rtts = 2 + n;
    return rtts * rtt + transmit;
}

// The objects the base page references, as paths on the same server.
std::vector<std::string> object_paths(const std::string& base_body)
{
    const auto base = http::parse_url(std::string("http://www.someschool.edu") + demo::base_page);
    std::vector<std::string> paths;
    for (const auto& link : http::client::page_links(base_body))
        if (auto url = http::client::resolve_reference(*base, link))
            if (auto parsed = http::parse_url(*url); parsed && parsed->host == base->host)
                paths.push_back(parsed->path_and_query);
    return paths;
}

// A connection per object, as long as objects are left.
core::awaitable<void> one_at_a_time(tcp::endpoint relay, const std::vector<std::string>& paths, std::size_t& next)
{
    while (next < paths.size()) {
        const std::vector<std::string> one{paths[next++]};
        auto c = co_await connect_http(relay);
        co_await c->get(one, false);
    }
}

// The page load the way `mode` says; returns the number of objects after the base.
core::awaitable<std::size_t> load_page(tcp::endpoint relay, const Mode& mode)
{
    const std::vector<std::string> base{demo::base_page};
    auto c = co_await connect_http(relay);
    const auto paths = object_paths((co_await c->get(base, mode.persistent)).front());
    if (mode.persistent) {
        co_await c->get(paths, true, mode.pipelined);
        co_return paths.size();
    }
    c.reset();
    std::size_t next = 0;
    std::vector<core::awaitable<void>> workers;
    for (unsigned k = 0; k < mode.parallel; ++k)
        workers.push_back(one_at_a_time(relay, paths, next));
    co_await all_of(std::move(workers));
    co_return paths.size();
}

class HttpPersistence : public Experiment {
public:
    std::string_view name() const override { return "http-persistence"; }
    std::string_view title() const override
    {
        return "Non-persistent, parallel, persistent and pipelined HTTP/1.1: page load time against RTT";
    }

    void start(core::Runtime& servers, const Settings& settings) override
    {
        http::ServerConfig config;
        config.data_dir = settings.work_dir;
        config.demo = demo::web_site();
        config.h2 = false;
        server_ = start_http(servers, config, service_);
    }

    core::awaitable<Report> measure(asio::io_context& io, const Settings& s) override;

private:
    std::unique_ptr<core::Service> service_;
    tcp::endpoint server_;
};

core::awaitable<Report> HttpPersistence::measure(asio::io_context& io, const Settings& s)
{
    const double rate = s.rate_mbps.value_or(10), loss = s.loss.value_or(0);
    std::vector<double> rtts{10, 25, 50, 100};
    if (s.rtt_ms)
        rtts = {*s.rtt_ms};
    else if (s.quick)
        rtts = {25, 50};
    auto path = std::make_shared<Path>(half_of(rtts.front(), rate * 1e6, loss), half_of(rtts.front(), rate * 1e6, loss),
                                       s.seed);
    TcpRelay relay(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), server_, path);

    Report r = new_report(*this);
    r.paragraphs = {
        "A browser loads the textbook's page: a base HTML file that references ten images, from layer7's HTTP "
        "server, across an emulated link with the round-trip time on the x axis.",
        "Non-persistent: each object needs a new TCP connection, so 2 RTT (handshake, then request and "
        "response) per object: (1 + N)·2·RTT + transmit. With k parallel connections the N objects take "
        "⌈N/k⌉ rounds: 2·RTT + ⌈N/k⌉·2·RTT + transmit. Persistent: one connection, 2·RTT for the base and one "
        "RTT per object: (2 + N)·RTT + transmit. Pipelined: every object requested at once after the base: "
        "3·RTT + transmit. Transmit is the bytes the server sent divided by the link rate.",
        "The transcripts are the link's view: each line is stamped with the time it reached the far end, so the "
        "round trips can be counted in them."};
    r.x_name = "RTT (ms)";
    r.y_unit = "ms";
    Chart chart{"Page load time: a base file and its images", "RTT (ms)", "page load time (ms)", {}};

    // The transcripts first: one load per way, which also warms the server's file cache.
    for (const auto& mode : modes) {
        Transcript transcript;
        const Time start = Clock::now();
        path->tap = [&](Time at, std::uint64_t connection, bool from_client, std::string_view bytes) {
            transcript.add(ms_between(start, at), connection, from_client, bytes);
        };
        co_await load_page(relay.local(), mode);
        path->tap = nullptr;
        char title[160];
        std::snprintf(title, sizeof title, "%s, RTT %.0f ms", mode.label, rtts.front());
        r.steps.push_back({title, transcript.text()});
    }

    std::size_t objects = 0;
    double page_bytes = 0;
    for (const auto& mode : modes) {
        Series measured{mode.label, {}, false}, formula{std::string(mode.label) + " (formula)", {}, true};
        for (double rtt : rtts) {
            path->up.respec(half_of(rtt, rate * 1e6, loss));
            path->down.respec(half_of(rtt, rate * 1e6, loss));
            Sample sample;
            do {
                const auto bytes_before = path->down.bytes();
                const Time start = Clock::now();
                objects = co_await load_page(relay.local(), mode);
                sample.add(ms_between(start, Clock::now()));
                page_bytes = static_cast<double>(path->down.bytes() - bytes_before);
            } while (!sample.done(s.min_runs, s.max_runs));
            const double transmit = page_bytes * 8 / (rate * 1e6) * 1000;
            Row row{mode.label,   rtt, sample.mean(), sample.half_width(), formula_ms(mode, objects, rtt, transmit),
                    sample.size()};
            measured.points.push_back({rtt, row.measured, row.err});
            formula.points.push_back({rtt, row.formula, 0});
            r.rows.push_back(row);
        }
        chart.series.push_back(std::move(measured));
        chart.series.push_back(std::move(formula));
    }
    r.charts.push_back(std::move(chart));

    char text[64];
    std::snprintf(text, sizeof text, "%.3g Mbit/s each way", rate);
    r.parameters.emplace_back("link rate", text);
    std::snprintf(text, sizeof text, "%.3g", loss);
    r.parameters.emplace_back("loss", text);
    r.parameters.emplace_back("RTT (ms)", sweep_text(rtts));
    r.parameters.emplace_back("objects after the base", std::to_string(objects));
    r.parameters.emplace_back("bytes the server sent per page", std::to_string(static_cast<long long>(page_bytes)));
    add_run_parameters(r, s);
    co_return r;
}

}  // namespace

std::unique_ptr<Experiment> make_http_persistence()
{
    return std::make_unique<HttpPersistence>();
}

}  // namespace layer7::lab
