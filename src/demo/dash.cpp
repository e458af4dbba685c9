// The DASH demo: see demo.hpp.
#include "demo/dash.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "stream/make.hpp"
#include "stream/program.hpp"

#ifndef LAYER7_VENDOR_DIR
#define LAYER7_VENDOR_DIR ""
#endif

namespace layer7::demo {

namespace {

namespace fs = std::filesystem;

// The player page. ?mpd=URL plays another presentation (?delay=S behind a live edge); ?report=URL&seconds=N PUTs what
// the player saw (playback time, stalls, qualities, errors) as JSON to URL after N s of playback, which is how the
// interop tests read it from a headless browser.
constexpr std::string_view page = R"html(<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>DASH</title><link rel="icon" href="data:,"></head>
<body>
  <h1>DASH: adaptive streaming with dash.js</h1>
  <video id="video" controls muted autoplay width="640"></video>
  <pre id="stats">starting…</pre>
  <p>Or from a terminal: <code>layer7 stream play --rate 600 <span id="url"></span></code></p>
  <script src="/vendor/dashjs/dash.all.min.js"></script>
  <script>
    const params = new URLSearchParams(location.search);
    const mpd = new URL(params.get("mpd") || "/dash/manifest.mpd", location.href).href;
    const report = params.get("report"), seconds = Number(params.get("seconds") || 20);
    const video = document.getElementById("video"), out = document.getElementById("stats");
    document.getElementById("url").textContent = mpd;
    const stats = {mpd, played: 0, stalls: 0, stall_seconds: 0, startup: null, qualities: [], bitrates: [], errors: [],
                   ended: false};
    let player = null, startedAt = null, waitingSince = null, sent = false;
    const loadedAt = performance.now();
    // The time-weighted average of the rendered video bitrate since playback began. dash.js says
    // nothing of the first quality (QUALITY_CHANGE_RENDERED comes only at a change): until then the
    // quality asked for stands in, and the first change's oldQuality corrects it.
    let kbps = 0, kbpsSince = null, kbpsSum = 0, changed = false;
    const kbpsOf = quality => {
      const info = player && player.getBitrateInfoListFor("video")[quality];
      return info ? Math.round(info.bitrate / 1000) : 0;
    };
    const account = () => {
      const now = performance.now();
      if (kbpsSince !== null && waitingSince === null) kbpsSum += kbps * (now - kbpsSince) / 1000;
      kbpsSince = startedAt === null ? null : now;
    };
    if (typeof dashjs === "undefined") {
      out.textContent = "dash.js is not installed: run tools/setup.sh (it fetches the npm package dashjs)";
    } else {
      player = dashjs.MediaPlayer().create();
      const events = dashjs.MediaPlayer.events;
      player.on(events.ERROR, e => stats.errors.push(String(e.error && (e.error.message || e.error.code) || e.error)));
      player.on(events.QUALITY_CHANGE_RENDERED, e => {
        if (e.mediaType !== "video") return;
        stats.qualities.push(e.newQuality);
        if (!changed) kbps = kbpsOf(e.oldQuality);  // what played until now
        changed = true;
        account();
        kbps = kbpsOf(e.newQuality);
        stats.bitrates.push(kbps);
      });
      // Live: stay ?delay= seconds (default 4) behind the edge; ffmpeg suggests 1 s, which with
      // 1 s segments leaves no room for a late segment.
      player.updateSettings({streaming: {delay: {liveDelay: Number(params.get("delay") || 4)}}});
      player.initialize(video, mpd, true);
    }
    // A stall is the video waiting for data after playback began (what a viewer notices).
    video.addEventListener("playing", () => {
      if (startedAt === null) {
        startedAt = performance.now();
        stats.startup = (startedAt - loadedAt) / 1000;
        kbpsSince = startedAt;
        if (!changed && player) kbps = kbpsOf(player.getQualityFor("video"));
      }
      if (waitingSince !== null) {
        stats.stall_seconds += (performance.now() - waitingSince) / 1000;
        kbpsSince = performance.now();  // a stall shows no bitrate
      }
      waitingSince = null;
    });
    video.addEventListener("waiting", () => {
      if (startedAt !== null && waitingSince === null) { account(); stats.stalls++; waitingSince = performance.now(); }
    });
    video.addEventListener("ended", () => { stats.ended = true; });
    setInterval(() => {
      stats.played = startedAt === null ? 0 : (performance.now() - startedAt) / 1000;
      stats.current_time = video.currentTime;
      account();
      stats.avg_kbps = stats.played > 0 ? Math.round(kbpsSum / (stats.played - stats.stall_seconds)) : 0;
      out.textContent = JSON.stringify(stats, null, 1);
      if (report && !sent && (stats.played >= seconds || stats.ended || stats.errors.length)) {
        sent = true;
        fetch(report, {method: "PUT", body: JSON.stringify(stats)});
      }
    }, 500);
  </script>
</body>
</html>
)html";

// Writes `content` to `path` through a temporary, so a reader never sees half of it.
void write_file(const fs::path& path, std::string_view content)
{
    fs::create_directories(path.parent_path());
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!f)
            throw core::StartError("dash: cannot write " + tmp.string());
    }
    fs::rename(tmp, path);
}

class DashService final : public core::Service {
public:
    explicit DashService(DashConfig config) : config_(std::move(config)) {}

    ~DashService() override
    {
        stopping_ = true;
        child_.terminate();  // at shutdown an unfinished pattern is dropped (remade next start)
        if (worker_.joinable())
            worker_.join();
    }

    std::vector<core::ServiceRow> start(core::Runtime&) override
    {
        const fs::path www = config_.www;
        std::error_code ec;
        if (!fs::exists(www / "dash.html"))
            write_file(www / "dash.html", page);
        const fs::path dashjs =
            config_.dashjs.empty() ? fs::path(LAYER7_VENDOR_DIR) / "dashjs/dash.all.min.js" : fs::path(config_.dashjs);
        const fs::path served = www / "vendor/dashjs/dash.all.min.js";
        if (!fs::exists(served)) {
            if (fs::exists(dashjs)) {
                fs::create_directories(served.parent_path());
                fs::copy_file(dashjs, served, ec);
            } else {
                spdlog::warn("dash: {} not found (tools/setup.sh fetches dash.js from npm); /dash.html cannot play",
                             dashjs.string());
            }
        }
        if (config_.test_pattern > 0 && !fs::exists(www / "dash/manifest.mpd"))
            make_pattern(www);
        const std::string base = "http://" + config_.http_address;
        return {
            {"dash", base + "/dash.html", "layer7 stream play " + base + "/dash/manifest.mpd", base + "/dash.html"}};
    }

private:
    // ffmpeg writes into dash.partial/, renamed to dash/ once complete; it runs on its own thread
    // so that start-up does not wait for the encoder.
    void make_pattern(const fs::path& www)
    {
        stream::PackageOptions o;
        o.test_pattern = config_.test_pattern;
        o.out_dir = (www / "dash.partial").string();
        std::error_code ec;
        fs::remove_all(o.out_dir, ec);
        if (auto why = stream::start_packaging(o, child_)) {
            spdlog::warn("dash: no test pattern: {}", *why);
            return;
        }
        spdlog::info("dash: making a {} s test pattern with ffmpeg into {}", o.test_pattern, (www / "dash").string());
        worker_ = std::thread([this, o, www] {
            const int status = child_.wait();
            if (stopping_) {  // we ended ffmpeg ourselves: not a failure worth a warning
                spdlog::info("dash: test pattern left unfinished at shutdown; made at the next start");
                return;
            }
            if (auto why = check_packaging(o, status)) {
                spdlog::warn("dash: no test pattern: {}", *why);
                return;
            }
            std::error_code ec;
            fs::rename(o.out_dir, www / "dash", ec);
            if (ec)
                spdlog::warn("dash: {}: {}", (www / "dash").string(), ec.message());
            else
                spdlog::info("dash: test pattern ready at /dash/manifest.mpd");
        });
    }

    DashConfig config_;
    stream::Program child_;
    std::atomic<bool> stopping_{false};
    std::thread worker_;
};

}  // namespace

DashConfig parse_dash_config(core::Section s, const std::string& data_dir)
{
    DashConfig c;
    c.enabled = s.boolean("demo", true);
    c.www = data_dir + "/www";
    c.dashjs = s.string("dashjs", "");
    c.test_pattern = static_cast<double>(s.integer("test_pattern", 60, 0, 3600));
    s.require_readable_file("dashjs", c.dashjs);
    s.finish();
    return c;
}

std::unique_ptr<core::Service> make_dash_service(const DashConfig& config)
{
    return std::make_unique<DashService>(config);
}

}  // namespace layer7::demo
