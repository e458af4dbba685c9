// The DASH player shell: see player.hpp.
#include "stream/player.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "core/net/asio.hpp"
#include "core/net/tls.hpp"
#include "http/client/fetch.hpp"
#include "http/client/redirect.hpp"
#include "stream/media_out.hpp"
#include "stream/mpd.hpp"
#include "stream/playout.hpp"

namespace layer7::stream {

namespace {

namespace hc = http::client;
using Clock = std::chrono::steady_clock;

constexpr std::size_t max_segments = 100000;  // per representation, from one MPD
constexpr std::size_t max_mpd = 4u << 20;

// What the viewer got, for the summary line.
struct Tally {
    std::size_t segments = 0, switches = 0;
    double media_seconds = 0, bit_seconds = 0;  // Σ duration, Σ duration × bitrate
    std::optional<std::size_t> last;

    void add(std::size_t rep, std::uint64_t bitrate, double duration)
    {
        if (last && *last != rep)
            ++switches;
        last = rep;
        ++segments;
        media_seconds += duration;
        bit_seconds += duration * static_cast<double>(bitrate);
    }
};

class Player {
public:
    explicit Player(const PlayerOptions& o) : o_(o), client_(client_options(o)) {}

    // Runs the player and leaves its exit status in `rc`.
    core::awaitable<void> run_into(int& rc) { rc = co_await run(); }

    core::awaitable<int> run()
    {
        start_ = Clock::now();
        auto mpd = co_await load_mpd();
        if (!mpd)
            co_return 1;
        const AdaptationSet* set = mpd->adaptation_set("video");
        if (!set)
            set = &mpd->periods.front().adaptation_sets.front();
        for (const auto& r : set->representations) {
            bitrates_.push_back(r.bandwidth);
            if (o_.print)
                std::printf("representation %s: %llu kbit/s %dx%d %s\n", r.id.c_str(),
                            static_cast<unsigned long long>(r.bandwidth / 1000), r.width, r.height, r.codecs.c_str());
        }
        result_.bitrates = bitrates_;
        if (!o_.out.empty()) {
            std::string error;
            out_ = MediaOut::open(o_.out, error);
            if (!out_) {
                fail("--out: " + error);
                co_return 1;
            }
        }
        buffer_.emplace(std::max(mpd->min_buffer_time, 1.0));
        int rc = 0;
        if (mpd->dynamic) {
            Mpd live = *mpd;
            rc = co_await play_live(std::move(live));
        } else {
            rc = co_await play_static(*mpd, *set);
        }
        buffer_->finish();
        if (out_ && rc == 0)
            if (const auto e = out_->finish(); !e.empty()) {
                fail("--out " + o_.out + ": " + e);
                rc = 1;
            }
        if (rc == 0 && o_.print)
            summary();
        co_return rc;
    }

    // What it did, once run() returned `rc`.
    PlayResult result(int rc)
    {
        result_.status = rc;
        if (buffer_) {
            result_.stalls = buffer_->stalls();
            result_.stall_seconds = buffer_->stall_seconds();
            result_.startup_delay = buffer_->startup_delay();
        }
        return std::move(result_);
    }

private:
    static hc::Options client_options(const PlayerOptions& o)
    {
        hc::Options c;
        c.keep_alive = true;
        c.io_timeout = std::chrono::seconds(20);
        if (o.url.starts_with("https:"))
            c.tls = core::make_client_tls({}, o.insecure);
        return c;
    }

    double now() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

    core::awaitable<void> sleep(double seconds)
    {
        auto executor = co_await asio::this_coro::executor;
        asio::steady_timer timer(executor,
                                 std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
        co_await timer.async_wait(core::use_tuple);
    }

    void fail(const std::string& what)
    {
        if (result_.error.empty())
            result_.error = what;
        if (o_.print)
            std::cerr << "layer7 stream play: " << what << "\n";
    }

    // GET and parse the MPD (redirects followed; later URLs resolve against where it came from).
    core::awaitable<std::optional<Mpd>> load_mpd()
    {
        http::Request request;
        request.method = http::Method(http::MethodId::get);
        hc::FetchOptions options;
        options.max_redirects = 5;
        std::string url = o_.url, no_body;
        auto r = co_await hc::fetch(client_, std::move(url), std::move(request), std::move(no_body), options);
        if (!r) {
            fail(o_.url + ": " + std::string(hc::describe(r.error().error)) +
                 (r.error().detail.empty() ? "" : " (" + r.error().detail + ")"));
            co_return std::nullopt;
        }
        if (r->last.response.status != http::Status::ok) {
            fail(o_.url + ": " + std::to_string(http::code(r->last.response.status)) + " " +
                 std::string(http::reason_phrase(r->last.response.status)));
            co_return std::nullopt;
        }
        if (r->last.body.size() > max_mpd) {
            fail(o_.url + ": MPD larger than " + std::to_string(max_mpd) + " bytes");
            co_return std::nullopt;
        }
        mpd_url_ = r->url;
        auto mpd = parse_mpd(r->last.body);
        if (!mpd) {
            fail(o_.url + ": " + mpd.error().describe());
            co_return std::nullopt;
        }
        co_return std::move(mpd).value();
    }

    // The absolute URL of a template's expansion, through the BaseURLs.
    std::optional<std::string> url_for(const Representation& r, const std::string& pattern, std::uint64_t number,
                                       std::uint64_t time)
    {
        const auto name = expand_template(pattern, r, number, time);
        if (!name) {
            fail("bad SegmentTemplate \"" + pattern + "\" in representation " + r.id);
            return std::nullopt;
        }
        std::string base = mpd_url_;
        for (const auto& b : r.base_urls) {
            const auto u = http::parse_url(base);
            const auto next = u ? hc::resolve_reference(*u, b) : std::nullopt;
            if (!next)
                break;
            base = *next;
        }
        const auto u = http::parse_url(base);
        auto full = u ? hc::resolve_reference(*u, *name) : std::nullopt;
        if (!full)
            fail("cannot resolve segment URL \"" + *name + "\" against " + base);
        return full;
    }

    // GETs `url` at the capped rate; the bytes, or nullopt after printing why.
    core::awaitable<std::optional<std::string>> download(const std::string& url)
    {
        const auto u = http::parse_url(url);
        if (!u) {
            fail("bad segment URL " + url);
            co_return std::nullopt;
        }
        http::Request request;
        request.method = http::Method(http::MethodId::get);
        auto r = co_await client_.open(*u, std::move(request));
        if (!r) {
            fail(url + ": " + std::string(hc::describe(r.error().error)));
            co_return std::nullopt;
        }
        if (r->response.status != http::Status::ok) {
            fail("segment " + url + ": " + std::to_string(http::code(r->response.status)) + " " +
                 std::string(http::reason_phrase(r->response.status)));
            co_return std::nullopt;
        }
        std::string bytes;
        double paced_until = now();
        for (;;) {
            std::string_view chunk;
            const auto ec = co_await r->body->next(chunk);
            if (ec) {
                fail("segment " + url + ": " + ec.message());
                co_return std::nullopt;
            }
            if (chunk.empty())
                break;
            bytes.append(chunk);
            if (bytes.size() > (256u << 20)) {
                fail("segment " + url + ": larger than 256 MiB");
                co_return std::nullopt;
            }
            // The cap: each chunk may arrive no sooner than its bits allow at the current rate.
            if (const auto kbps = o_.rate.at(now())) {
                paced_until =
                    std::max(paced_until, now() - 0.05) + static_cast<double>(chunk.size()) * 8 / (*kbps * 1000);
                const double ahead = paced_until - now();
                if (ahead > 0)
                    co_await sleep(ahead);
            }
        }
        co_return bytes;
    }

    // Fetches one media segment of representation `index` (its init first when new), feeds the
    // buffer and the estimator, prints the line. False on an error.
    core::awaitable<bool> fetch_segment(const AdaptationSet& set, std::size_t index, const Segment& s)
    {
        const Representation& r = set.representations[index];
        const double started = now();
        if (!inits_.contains(r.id)) {
            const auto url = url_for(r, r.segments.initialization, s.number, s.time);
            if (!url)
                co_return false;
            auto init = co_await download(*url);
            if (!init)
                co_return false;
            inits_[r.id] = std::move(*init);
        }
        const double media_started = now();
        const auto url = url_for(r, r.segments.media, s.number, s.time);
        if (!url)
            co_return false;
        auto media = co_await download(*url);
        if (!media)
            co_return false;
        if (out_)
            if (const auto e = out_->write(inits_[r.id], *media); !e.empty()) {
                fail("--out " + o_.out + ": segment " + *url + ": " + e);
                co_return false;
            }
        const double finished = now();
        const double throughput = static_cast<double>(media->size()) * 8 / std::max(finished - media_started, 1e-4);
        estimator_.add(throughput);
        const double stall = buffer_->advance(finished - started);
        const double duration = static_cast<double>(s.duration) / static_cast<double>(r.segments.timescale);
        buffer_->add(duration);
        tally_.add(index, r.bandwidth, duration);
        result_.segments.push_back({s.number, r.id, r.bandwidth, started, finished - started, throughput,
                                    buffer_->level(), stall, media->size()});
        if (!o_.print)
            co_return true;
        std::printf("segment %llu  rep %s  %llu kbit/s  %.2f s  throughput %.0f kbit/s  buffer %.1f s%s\n",
                    static_cast<unsigned long long>(s.number), r.id.c_str(),
                    static_cast<unsigned long long>(r.bandwidth / 1000), finished - started, throughput / 1000,
                    buffer_->level(),
                    stall > 0 ? ("  STALL " + std::to_string(stall).substr(0, 4) + " s").c_str() : "");
        std::fflush(stdout);
        co_return true;
    }

    std::size_t pick()
    {
        const AbrState state{&bitrates_, buffer_->level(), estimator_.estimate()};
        return choose(o_.abr, state, o_.settings);
    }

    // Waits while the buffer is over its cap (playback drains it in the meantime).
    core::awaitable<void> hold_buffer()
    {
        if (buffer_->level() <= o_.max_buffer)
            co_return;
        const double wait = buffer_->level() - o_.max_buffer;
        co_await sleep(wait);
        buffer_->advance(wait);
    }

    core::awaitable<int> play_static(const Mpd& mpd, const AdaptationSet& set)
    {
        const Period& period = mpd.periods.front();
        const double length = period.duration.value_or(mpd.media_presentation_duration.value_or(0));
        std::vector<std::vector<Segment>> lists;
        for (const auto& r : set.representations)
            lists.push_back(list_segments(r.segments, length, max_segments));
        const std::size_t count = lists.front().size();
        if (count == 0) {
            fail("the MPD lists no segments (no duration?)");
            co_return 1;
        }
        for (std::size_t k = 0; k < count && tally_.media_seconds < o_.duration.value_or(1e300); ++k) {
            const std::size_t index = pick();
            if (k >= lists[index].size()) {
                fail("representation " + set.representations[index].id + " has fewer segments than the others");
                co_return 1;
            }
            if (!co_await fetch_segment(set, index, lists[index][k]))
                co_return 1;
            co_await hold_buffer();
        }
        co_return 0;
    }

    // Live: start a few segments behind the newest, then follow the MPD as it is rewritten.
    core::awaitable<int> play_live(Mpd mpd)
    {
        std::optional<double> next;  // media time (s) of the next segment to fetch
        double last_progress = now();
        double last_refresh = now();
        while (tally_.media_seconds < o_.duration.value_or(30)) {
            const AdaptationSet* set = mpd.adaptation_set("video");
            if (!set)
                set = &mpd.periods.front().adaptation_sets.front();
            bitrates_.clear();
            for (const auto& r : set->representations)
                bitrates_.push_back(r.bandwidth);
            const std::size_t index = std::min(pick(), set->representations.size() - 1);
            const Representation& r = set->representations[index];
            const double wall =
                std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
            const double elapsed =
                wall - static_cast<double>(mpd.availability_start_ms.value_or(0)) / 1000 - mpd.periods.front().start;
            const auto list = list_segments(r.segments, elapsed, max_segments, true);
            const double scale = static_cast<double>(r.segments.timescale);
            if (!next && !list.empty()) {
                const std::size_t behind = 3;  // segments behind the live edge, as dash.js's default delay
                next = static_cast<double>(list[list.size() > behind ? list.size() - behind : 0].time) / scale;
            }
            const Segment* found = nullptr;
            for (const auto& s : list)
                if (next && static_cast<double>(s.time) / scale >= *next - 1e-3) {
                    found = &s;
                    break;
                }
            if (found) {
                if (!co_await fetch_segment(*set, index, *found))
                    co_return 1;
                next = static_cast<double>(found->time + found->duration) / scale;
                last_progress = now();
                continue;
            }
            if (!mpd.dynamic)
                break;  // the publisher ended: the MPD turned static and nothing is left
            const double period = mpd.minimum_update_period.value_or(2);
            if (now() - last_progress > std::max(10.0, 4 * period)) {
                fail("live stream: no new segment for " + std::to_string(static_cast<int>(now() - last_progress)) +
                     " s");
                co_return 1;
            }
            const double wait = std::max(0.2, std::min(period, 1.0) - (now() - last_refresh));
            co_await sleep(wait);
            buffer_->advance(wait);
            auto fresh = co_await load_mpd();
            if (!fresh)
                co_return 1;
            mpd = std::move(*fresh);
            last_refresh = now();
        }
        co_return 0;
    }

    void summary()
    {
        const double average = tally_.media_seconds > 0 ? tally_.bit_seconds / tally_.media_seconds / 1000 : 0;
        std::printf(
            "summary: %zu segments, %.1f s of media, average bitrate %.0f kbit/s, %zu switches, "
            "%zu stalls (%.2f s), startup delay %.2f s\n",
            tally_.segments, tally_.media_seconds, average, tally_.switches, buffer_->stalls(),
            buffer_->stall_seconds(), buffer_->startup_delay());
        if (out_)
            std::printf("out: %s, %zu segments, %zu switches of parameter sets\n", o_.out.c_str(), tally_.segments,
                        out_->switches());
        std::fflush(stdout);
    }

    const PlayerOptions& o_;
    hc::Client client_;
    Clock::time_point start_;
    std::string mpd_url_;
    std::vector<std::uint64_t> bitrates_;
    ThroughputEstimator estimator_;
    std::optional<PlayoutBuffer> buffer_;
    std::map<std::string, std::string> inits_;  // representation id → its init segment, once fetched
    std::unique_ptr<MediaOut> out_;             // --out
    Tally tally_;
    PlayResult result_;
};

}  // namespace

int run_player(const PlayerOptions& options)
{
    asio::io_context io;
    Player player(options);
    int rc = 1;
    asio::co_spawn(io, player.run_into(rc), asio::detached);
    io.run();
    return rc;
}

core::awaitable<PlayResult> play(const PlayerOptions& options)
{
    Player player(options);
    const int rc = co_await player.run();
    co_return player.result(rc);
}

}  // namespace layer7::stream
