// Experiment 5, `hol-blocking`: a page with one large object (a video clip) and several small ones
// (images) over one connection, HTTP/1.1 against HTTP/2, through a link with loss on the x axis.
// HTTP/1.1 answers one request after another, so the small objects wait behind the clip; HTTP/2
// interleaves the responses' frames when the requests ask for it (RFC 9218 `priority: i`), so the
// small objects arrive early. Loss shows what HTTP/2 does not fix: its streams share one TCP byte
// stream, and a lost segment holds back every stream behind it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>

#include "http/client/client.hpp"
#include "http/message/target.hpp"
#include "http/server/service.hpp"
#include "lab/experiment.hpp"
#include "lab/h2_frames.hpp"
#include "lab/http_exchange.hpp"
#include "lab/relay.hpp"
#include "lab/stats.hpp"
#include "lab/transcript.hpp"

namespace layer7::lab {

namespace {

using asio::ip::tcp;

struct Mode {
    const char* label;
    bool h2;
    bool incremental;  // the requests carry `priority: u=3, i`: the server sends them round-robin
};
constexpr Mode modes[] = {
    {"HTTP/1.1", false, false},
    {"HTTP/2, in order", true, false},
    {"HTTP/2, interleaved", true, true},
};

// The page: a base file, then the clip, then the images, in the order the base names them.
struct Page {
    std::size_t base = 0, clip = 0, image = 0, images = 0;
};
constexpr std::size_t h2_frame = 16384;  // SETTINGS_MAX_FRAME_SIZE's default: the server's DATA frames

std::string base_path()
{
    return "/hol/index.html";
}
std::vector<std::string> object_paths(const Page& page)
{
    std::vector<std::string> paths{"/hol/clip.bin"};
    for (std::size_t i = 1; i <= page.images; ++i)
        paths.push_back("/hol/image-" + std::to_string(i) + ".bin");
    return paths;
}

// Writes the page under `root` (random, incompressible content) and returns the base's size.
std::size_t write_page(const std::string& root, const Page& page, std::uint64_t seed)
{
    std::filesystem::create_directories(root + "/hol");
    std::mt19937_64 random(seed);
    const auto paths = object_paths(page);
    std::string base = "<!DOCTYPE html>\n<title>Head-of-line blocking</title>\n<video src=\"clip.bin\"></video>\n";
    for (std::size_t i = 0; i < paths.size(); ++i) {
        std::string content(i == 0 ? page.clip : page.image, '\0');
        for (auto& c : content)
            c = static_cast<char>(random());
        std::ofstream(root + paths[i], std::ios::binary) << content;
        if (i > 0)
            base += "<img src=\"" + paths[i].substr(5) + "\">\n";
    }
    std::ofstream(root + base_path(), std::ios::binary) << base;
    return base.size();
}

// How long after the page load began the last image and the clip were whole (ms).
struct Load {
    double images = 0, clip = 0;
};

core::awaitable<Load> load_h1(tcp::endpoint relay, const Page& page)
{
    const Time start = Clock::now();
    auto c = co_await connect_http(relay);
    // named: GCC 12 mishandles class temporaries in co_await arguments
    const std::vector<std::string> base{base_path()}, objects = object_paths(page);
    co_await c->get(base, true);
    co_await c->get(objects, true);
    co_return Load{ms_between(start, c->ended.back()), ms_between(start, c->ended.front())};
}

core::awaitable<void> fetch(http::client::Client& client, http::Url url, bool incremental, Time& ended)
{
    http::Request request;
    if (incremental)
        request.fields.add("priority", "u=3, i");
    auto got = co_await client.send(url, std::move(request), {});
    if (!got)
        throw std::runtime_error(url.path_and_query + ": " + got.error().detail);
    if (const int code = http::code(got.value().response.status); code != 200)
        throw std::runtime_error(url.path_and_query + ": the server answered " + std::to_string(code));
    ended = Clock::now();
}

// The base on a new connection, then every object at once as streams of it.
core::awaitable<Load> load_h2(http::client::Client& client, const std::string& origin, const Page& page,
                              bool incremental)
{
    const Time start = Clock::now();
    Time base_ended;
    co_await fetch(client, *http::parse_url(origin + base_path()), false, base_ended);
    const auto paths = object_paths(page);
    std::vector<Time> ended(paths.size());
    std::vector<core::awaitable<void>> streams;
    for (std::size_t i = 0; i < paths.size(); ++i)
        streams.push_back(fetch(client, *http::parse_url(origin + paths[i]), incremental, ended[i]));
    co_await all_of(std::move(streams));
    client.close_idle();  // the next load opens its own connection
    co_return Load{ms_between(start, *std::max_element(ended.begin() + 1, ended.end())),
                   ms_between(start, ended.front())};
}

// Bytes the server has sent of the objects when the last image is whole, sending one frame per
// stream in turn (incremental), else the objects one after another.
double bytes_until_images(const Page& page, bool interleaved)
{
    if (!interleaved)
        return static_cast<double>(page.clip + page.images * page.image);
    std::vector<std::size_t> left(1 + page.images, page.image);
    left[0] = page.clip;
    double sent = 0;
    for (std::size_t images_left = page.images; images_left > 0;)
        for (std::size_t i = 0; i < left.size() && images_left > 0; ++i) {
            const std::size_t n = std::min(left[i], h2_frame);
            sent += static_cast<double>(n);
            left[i] -= n;
            if (i > 0 && n > 0 && left[i] == 0)
                --images_left;
        }
    return sent;
}

// What loss adds, on average, to when the last of `bytes` arrives, the way the emulator loses a
// segment: it arrives one round trip and one transmission late, and the bytes behind it wait.
// Only a loss among the last round trip's worth of segments can make the end late.
double loss_delay_ms(double loss, double rtt_ms, double rate_bps, double bytes)
{
    if (loss <= 0)
        return 0;
    const double segment_ms = static_cast<double>(segment_bytes) * 8 / rate_bps * 1000;
    const double segments = std::ceil(bytes / static_cast<double>(segment_bytes));
    double expected = 0, none_later = 1;  // none of the segments after the k-th from the end was lost
    for (double k = 0; k < segments && rtt_ms + segment_ms - k * segment_ms > 0; ++k) {
        expected += none_later * loss * (rtt_ms + segment_ms - k * segment_ms);
        none_later *= 1 - loss;
    }
    return expected;
}

struct Formula {
    double images = 0, clip = 0;
};

// The textbook's timeline for `mode`, plus the expected lateness from loss of each transfer the
// client waits for (a request lost on the way up costs a round trip too).
Formula formula_ms(const Mode& mode, const Page& page, double rtt, double rate_bps, double loss)
{
    auto ms = [&](double bytes) { return bytes * 8 / rate_bps * 1000; };
    auto late = [&](double bytes) { return loss_delay_ms(loss, rtt, rate_bps, bytes) + loss * rtt; };
    const double clip = static_cast<double>(page.clip), image = static_cast<double>(page.image);
    const double n = static_cast<double>(page.images);
    const double base = 2 * rtt + ms(static_cast<double>(page.base)) + late(static_cast<double>(page.base));
    Formula f;
    if (!mode.h2) {
        // One request at a time: the clip, then each image a round trip after the one before.
        f.clip = base + rtt + ms(clip) + late(clip);
        f.images = f.clip + n * (rtt + ms(image) + late(image));
        return f;
    }
    // Every request at once: in order the clip goes first, interleaved it ends last.
    const double all = clip + n * image, until_images = bytes_until_images(page, mode.incremental);
    const double until_clip = mode.incremental ? all : clip;
    f.clip = base + rtt + ms(until_clip) + late(until_clip);
    f.images = base + rtt + ms(until_images) + late(until_images);
    return f;
}

class HolBlocking : public Experiment {
public:
    std::string_view name() const override { return "hol-blocking"; }
    std::string_view title() const override { return "Head-of-line blocking: HTTP/1.1 against HTTP/2"; }

    void start(core::Runtime& servers, const Settings& s) override
    {
        page_.clip = s.quick ? 256 * 1024 : 1024 * 1024;
        page_.image = 12 * 1024;
        page_.images = 8;
        page_.base = write_page(s.work_dir + "/site", page_, s.seed);

        http::ServerConfig config;
        config.root = s.work_dir + "/site";
        config.data_dir = s.work_dir;
        config.site.gzip = false;
        server_ = start_http(servers, config, service_);
    }

    core::awaitable<Report> measure(asio::io_context& io, const Settings& s) override;

private:
    Page page_;
    std::unique_ptr<core::Service> service_;
    tcp::endpoint server_;
};

core::awaitable<Report> HolBlocking::measure(asio::io_context& io, const Settings& s)
{
    const double rtt = s.rtt_ms.value_or(50), rate = s.rate_mbps.value_or(10) * 1e6;
    std::vector<double> losses{0, 0.005, 0.01, 0.02};
    if (s.loss)
        losses = {*s.loss};
    else if (s.quick)
        losses = {0, 0.02};
    auto path = std::make_shared<Path>(half_of(rtt, rate, losses.front()), half_of(rtt, rate, losses.front()), s.seed);
    TcpRelay relay(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), server_, path);
    const std::string origin = "http://127.0.0.1:" + std::to_string(relay.local().port());
    http::client::Options options;
    options.http2 = http::client::Http2::prior_knowledge;
    http::client::Client client(options);
    auto load = [&](const Mode& mode) {
        return mode.h2 ? load_h2(client, origin, page_, mode.incremental) : load_h1(relay.local(), page_);
    };

    Report r = new_report(*this);
    r.paragraphs = {
        "A browser loads a page that holds one large object (a video clip) and several small ones (images), all "
        "from layer7's HTTP server over one TCP connection, across an emulated link whose loss rate is on the x "
        "axis. The base file comes first; then the clip, then the images, in the order the base names them.",
        "HTTP/1.1: one request at a time on the connection, so each image waits until the clip is whole, and one "
        "round trip more for its own request: the images are done at 2·RTT + base/R + RTT + L/R + N·(RTT + S/R). "
        "HTTP/2 sends every request at once, each on a stream of the same connection. In order (the default "
        "priority, RFC 9218 urgency 3, not incremental) the server still sends the clip before the images: "
        "2·RTT + base/R + RTT + (L + N·S)/R, one round trip per image less than HTTP/1.1 but still behind the clip. "
        "Interleaved (the requests say \"priority: u=3, i\"), the server sends one frame of each stream in turn, "
        "so the images are whole after about (N + 1)·S of bytes: head-of-line blocking at the HTTP level is gone.",
        "Loss brings back the head-of-line blocking of the layer below: the streams share one TCP byte stream, "
        "and a lost segment holds back every byte behind it, whichever stream it belongs to, for about a round "
        "trip (here as the emulator models it: the segment arrives one round trip and one transmission late). The "
        "formula adds each awaited transfer's expected lateness: a loss among the last round trip's worth of its "
        "segments delays its end by RTT + δ − k·δ (k segments from the end, δ one segment's transmission), plus "
        "loss·RTT for its request. HTTP/1.1 waits for N + 2 transfers one after another, HTTP/2 for two, so loss "
        "costs HTTP/1.1 more; QUIC (HTTP/3) gives each stream its own loss recovery.",
        "The transcripts are the link's view: HTTP/1.1 as text, HTTP/2 as frames (the header blocks are HPACK-"
        "compressed, so only their size shows), each line stamped with when its last byte reached the far end."};
    r.x_name = "loss (%)";
    r.y_unit = "ms";

    // The transcripts first: one load each way, which also warms the server's file cache.
    for (const auto& mode : modes) {
        Transcript transcript;
        std::map<std::pair<std::uint64_t, bool>, H2FrameLines> frames;
        const Time start = Clock::now();
        path->tap = [&](Time at, std::uint64_t connection, bool from_client, std::string_view bytes) {
            if (!mode.h2)
                return transcript.add(ms_between(start, at), connection, from_client, bytes);
            auto [it, fresh] = frames.try_emplace({connection, from_client}, from_client);
            for (const auto& line : it->second.feed(bytes))
                transcript.add(ms_between(start, at), connection, from_client, line + "\n");
        };
        co_await load(mode);
        path->tap = nullptr;
        char title[160];
        std::snprintf(title, sizeof title, "%s, loss %.3g %%", mode.label, losses.front() * 100);
        r.steps.push_back({title, transcript.text()});
    }

    Chart images_chart{"When the last small object is whole", "loss (%)", "time (ms)", {}};
    Chart clip_chart{"When the large object is whole", "loss (%)", "time (ms)", {}};
    for (const auto& mode : modes) {
        const std::string label = mode.label;
        Series images{label, {}, false}, images_formula{label + " (formula)", {}, true};
        Series clip{label, {}, false}, clip_formula{label + " (formula)", {}, true};
        for (double loss : losses) {
            path->up.respec(half_of(rtt, rate, loss));
            path->down.respec(half_of(rtt, rate, loss));
            Sample images_ms, clip_ms;
            do {
                const Load l = co_await load(mode);
                images_ms.add(l.images);
                clip_ms.add(l.clip);
            } while (!images_ms.done(s.min_runs, s.max_runs));
            const Formula f = formula_ms(mode, page_, rtt, rate, loss);
            const double x = loss * 100;
            r.rows.push_back(
                {label + ": small objects", x, images_ms.mean(), images_ms.half_width(), f.images, images_ms.size()});
            r.rows.push_back(
                {label + ": large object", x, clip_ms.mean(), clip_ms.half_width(), f.clip, clip_ms.size()});
            images.points.push_back({x, images_ms.mean(), images_ms.half_width()});
            images_formula.points.push_back({x, f.images, 0});
            clip.points.push_back({x, clip_ms.mean(), clip_ms.half_width()});
            clip_formula.points.push_back({x, f.clip, 0});
        }
        images_chart.series.push_back(std::move(images));
        images_chart.series.push_back(std::move(images_formula));
        clip_chart.series.push_back(std::move(clip));
        clip_chart.series.push_back(std::move(clip_formula));
    }
    r.charts.push_back(std::move(images_chart));
    r.charts.push_back(std::move(clip_chart));

    char text[96];
    std::snprintf(text, sizeof text, "%.3g ms", rtt);
    r.parameters.emplace_back("RTT", text);
    std::snprintf(text, sizeof text, "%.3g Mbit/s each way", rate / 1e6);
    r.parameters.emplace_back("link rate R", text);
    std::vector<double> percents;
    for (double loss : losses)
        percents.push_back(loss * 100);
    r.parameters.emplace_back("loss (%)", sweep_text(percents));
    r.parameters.emplace_back("base file", std::to_string(page_.base) + " bytes");
    r.parameters.emplace_back("large object L", std::to_string(page_.clip) + " bytes");
    r.parameters.emplace_back("small objects",
                              std::to_string(page_.images) + " × S = " + std::to_string(page_.image) + " bytes");
    r.parameters.emplace_back("HTTP/2 DATA frame", std::to_string(h2_frame) + " bytes at most");
    add_run_parameters(r, s);
    co_return r;
}

}  // namespace

std::unique_ptr<Experiment> make_hol_blocking()
{
    return std::make_unique<HolBlocking>();
}

}  // namespace layer7::lab
