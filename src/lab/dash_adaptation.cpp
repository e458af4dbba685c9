// Experiment 6, `dash-adaptation`: layer7's DASH player (`stream play`'s, with the throughput
// rule) fetches a presentation of three renditions from layer7's HTTP server across a link whose
// rate follows a trace. The textbook's point (§2.6.2): the client picks, segment by segment, the
// highest rendition that the throughput it measures allows; here set against the link's rate.
#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "http/server/service.hpp"
#include "lab/adaptation.hpp"
#include "lab/experiment.hpp"
#include "lab/relay.hpp"
#include "lab/transcript.hpp"
#include "stream/make.hpp"
#include "stream/player.hpp"

namespace layer7::lab {

namespace {

using asio::ip::tcp;

// The ladder `stream make` encodes (small pictures: ffmpeg's work stays a few seconds), and the
// trace's levels: each well inside one rung, so that the rendition the rate allows is clear.
const std::vector<stream::Rendition> ladder{{144, 300}, {240, 700}, {360, 1500}};
constexpr double segment_seconds = 1;
constexpr double max_buffer = 6;   // seconds ahead the player fetches; then it keeps pace with playback
constexpr double safety = 0.9;     // the throughput rule's share of its estimate (stream::AbrSettings)
constexpr std::size_t settle = 4;  // the estimator's window: segments a change takes to be seen

struct Trace {
    double step_seconds;
    std::vector<double> mbps;
};
const Trace quick_trace{10, {2.4, 0.45, 2.4}};
const Trace full_trace{16, {2.4, 1.0, 0.45, 1.0, 2.4}};

class DashAdaptation : public Experiment {
public:
    std::string_view name() const override { return "dash-adaptation"; }
    std::string_view title() const override { return "DASH rate adaptation on a link whose rate changes"; }

    void start(core::Runtime& servers, const Settings& s) override
    {
        const Trace& trace = s.quick ? quick_trace : full_trace;
        // Enough media that the player is still fetching when the trace ends.
        stream::PackageOptions media;
        media.test_pattern = trace.step_seconds * static_cast<double>(trace.mbps.size()) + max_buffer + 4;
        media.segment_seconds = segment_seconds;
        media.ladder = ladder;
        media.out_dir = s.work_dir + "/site/video";
        stream::Program ffmpeg;
        if (auto why = stream::start_packaging(media, ffmpeg))
            throw core::StartError(*why);
        if (auto why = stream::check_packaging(media, ffmpeg.wait()))
            throw core::StartError(*why);

        http::ServerConfig config;
        config.root = s.work_dir + "/site";
        config.data_dir = s.work_dir;
        config.h2 = false;
        config.site.gzip = false;
        server_ = start_http(servers, config, service_);
    }

    core::awaitable<Report> measure(asio::io_context& io, const Settings& s) override;

private:
    std::unique_ptr<core::Service> service_;
    tcp::endpoint server_;
};

core::awaitable<Report> DashAdaptation::measure(asio::io_context& io, const Settings& s)
{
    const Trace& trace = s.quick ? quick_trace : full_trace;
    const double rtt = s.rtt_ms.value_or(40), loss = s.loss.value_or(0);
    std::vector<double> starts, rates;
    std::vector<RateStep> steps;
    for (std::size_t i = 0; i < trace.mbps.size(); ++i) {
        starts.push_back(trace.step_seconds * static_cast<double>(i));
        rates.push_back(trace.mbps[i] * 1e6);
        steps.push_back(
            {std::chrono::duration_cast<Duration>(std::chrono::duration<double>(starts.back())), trace.mbps[i] * 1e6});
    }
    if (auto bad = validate(steps))
        throw std::runtime_error(*bad);
    // The rate limits the server's side (the video comes down); the requests go up at once.
    auto path = std::make_shared<Path>(half_of(rtt, 0, loss), half_of(rtt, 0, loss), s.seed);
    TcpRelay relay(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), server_, path);

    Transcript transcript;
    const Time origin = Clock::now();
    path->tap = [&](Time at, std::uint64_t connection, bool from_client, std::string_view bytes) {
        transcript.add(ms_between(origin, at), connection, from_client, bytes);
    };
    path->down.schedule(origin, steps);
    stream::PlayerOptions options;
    options.url = "http://127.0.0.1:" + std::to_string(relay.local().port()) + "/video/manifest.mpd";
    options.abr = stream::AbrKind::throughput;
    options.settings.safety = safety;
    options.max_buffer = max_buffer;
    options.print = false;
    const stream::PlayResult played = co_await stream::play(options);
    path->tap = nullptr;
    if (played.status != 0)
        throw std::runtime_error("the player failed: " + played.error);

    std::vector<Choice> choices;
    for (const auto& seg : played.segments)
        choices.push_back({seg.requested, seg.bitrate});
    const double end = played.segments.empty() ? 0 : played.segments.back().requested;
    const auto outcome = outcomes(starts, rates, end, played.bitrates, safety, choices, settle);

    Report r = new_report(*this);
    r.paragraphs = {
        "The textbook's §2.6.2: with DASH the video is encoded at several bitrates, each cut into segments of a few "
        "seconds, and the client picks each segment's rendition itself: the highest that the throughput it "
        "measures allows, lower when the network slows down, higher again when it recovers. Here layer7's DASH "
        "player (the one `layer7 stream play` runs, throughput rule) fetches a test pattern that `layer7 stream "
        "make` packaged with ffmpeg into three renditions, from layer7's HTTP server, across an emulated link whose "
        "rate follows a trace.",
        "Formula: for each segment, the highest rendition whose bitrate is at most 0.9 × the link's rate at the "
        "time it is requested (0.9 is the player's safety share of its estimate). The player cannot know the rate "
        "in advance: it estimates it from the last four segments (their harmonic mean), so it follows a change a "
        "few segments late — a fall at once, as the slow segment drags the mean down, a rise only once the slow "
        "ones have left the window. The table therefore compares each step of the trace from its fifth segment on.",
        "The transcript is the link's view of the HTTP requests and responses, stamped with the time they reached "
        "the far end; the segment table lists what the player chose, how long each download took, the throughput "
        "it measured and the buffer it had."};
    r.x_name = "step from (s)";
    r.y_unit = "kbit/s";

    Chart chosen{"Rendition chosen against the link's rate", "time since the player started (s)", "kbit/s", {}};
    Series picked{"rendition chosen", {}, false}, ideal{"rendition chosen (formula)", {}, true},
        measured{"throughput the player measured", {}, false}, rate{"link rate (the trace)", {}, true};
    for (const auto& seg : played.segments) {
        picked.points.push_back({seg.requested, static_cast<double>(seg.bitrate) / 1000, 0});
        measured.points.push_back({seg.requested + seg.download_seconds, seg.throughput / 1000, 0});
    }
    for (std::size_t i = 0; i < outcome.size(); ++i) {
        const auto& o = outcome[i];
        const double until = std::max(o.until, o.from + trace.step_seconds) - 1e-3;
        ideal.points.push_back({o.from, static_cast<double>(o.ideal) / 1000, 0});
        ideal.points.push_back({until, static_cast<double>(o.ideal) / 1000, 0});
        rate.points.push_back({o.from, o.rate / 1000, 0});
        rate.points.push_back({until, o.rate / 1000, 0});
        char label[96];
        std::snprintf(label, sizeof label, "step %zu: link %.2f Mbit/s", i + 1, o.rate / 1e6);
        r.rows.push_back({label, o.from, o.mean_settled / 1000, 0, static_cast<double>(o.ideal) / 1000, o.settled});
    }
    chosen.series = {std::move(picked), std::move(ideal), std::move(measured), std::move(rate)};
    r.charts.push_back(std::move(chosen));
    Chart buffer{"The player's buffer", "time since the player started (s)", "seconds of video buffered", {}};
    Series level{"buffer after each segment", {}, false};
    for (const auto& seg : played.segments)
        level.points.push_back({seg.requested + seg.download_seconds, seg.buffer, 0});
    buffer.series.push_back(std::move(level));
    r.charts.push_back(std::move(buffer));

    r.steps.push_back({"HTTP over the link (the first 400 lines)", transcript.text()});
    std::string table = "   at (s)  segment  kbit/s  download (s)  throughput (kbit/s)  buffer (s)\n";
    for (const auto& seg : played.segments) {
        char line[160];
        std::snprintf(line, sizeof line, "%9.2f  %7llu  %6llu  %12.2f  %19.0f  %10.1f%s\n", seg.requested,
                      static_cast<unsigned long long>(seg.number), static_cast<unsigned long long>(seg.bitrate / 1000),
                      seg.download_seconds, seg.throughput / 1000, seg.buffer, seg.stall > 0 ? "  stalled" : "");
        table += line;
    }
    r.steps.push_back({"segment by segment: what the player chose", table});

    std::string ladder_text, trace_text;
    for (auto b : played.bitrates)
        ladder_text += (ladder_text.empty() ? "" : ", ") + std::to_string(b / 1000);
    for (std::size_t i = 0; i < trace.mbps.size(); ++i) {
        char step[64];
        std::snprintf(step, sizeof step, "%s%.0f s: %.2f Mbit/s", i ? ", " : "", starts[i], trace.mbps[i]);
        trace_text += step;
    }
    char text[96];
    r.parameters.emplace_back("renditions (kbit/s)", ladder_text);
    r.parameters.emplace_back("link rate, server to player (the trace)", trace_text);
    std::snprintf(text, sizeof text, "%.0f ms", rtt);
    r.parameters.emplace_back("RTT", text);
    std::snprintf(text, sizeof text, "%.3g", loss);
    r.parameters.emplace_back("loss", text);
    std::snprintf(text, sizeof text, "%.0f s, at most %.0f s buffered ahead", segment_seconds, max_buffer);
    r.parameters.emplace_back("segments", text);
    r.parameters.emplace_back("rule",
                              "throughput: the highest bitrate under 0.9 × the harmonic mean of the last 4 "
                              "segments' throughput");
    std::snprintf(text, sizeof text, "%zu segments, %zu stalls (%.2f s), startup %.2f s", played.segments.size(),
                  played.stalls, played.stall_seconds, played.startup_delay);
    r.parameters.emplace_back("what the viewer got", text);
    r.parameters.emplace_back("seed", std::to_string(s.seed));
    co_return r;
}

}  // namespace

std::unique_ptr<Experiment> make_dash_adaptation()
{
    return std::make_unique<DashAdaptation>();
}

}  // namespace layer7::lab
