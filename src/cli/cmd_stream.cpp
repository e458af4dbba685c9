// `layer7 stream make|play`: DASH packaging through ffmpeg and the adaptive player (DESIGN.md §4).
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cmd_stream.hpp"
#include "stream/make.hpp"
#include "stream/player.hpp"

namespace layer7::cli {

void add_stream_commands(CLI::App& app, Globals& g)
{
    auto* stream = app.add_subcommand("stream", "DASH: package a video, play a presentation");
    stream->require_subcommand(1);

    static stream::PackageOptions make;
    auto* mk =
        stream->add_subcommand("make", "Package INPUT (or a test pattern) into DASH renditions + an MPD with ffmpeg");
    mk->add_option("INPUT", make.input, "A video file ffmpeg can read");
    mk->add_option("--out", make.out_dir, "Directory for manifest.mpd and the segments")->required();
    mk->add_option("--test-pattern", make.test_pattern, "SECONDS of a generated test pattern instead of INPUT")
        ->check(CLI::Range(1.0, 3600.0));
    mk->add_option("--segment", make.segment_seconds, "Segment length in seconds")->check(CLI::Range(0.5, 30.0));
    mk->callback([&g] {
        setup(g, "warn");
        if (make.input.empty() == (make.test_pattern <= 0)) {
            std::cerr << "layer7 stream make: give INPUT or --test-pattern SECONDS (one of them)\n";
            g.status = 2;
            return;
        }
        g.status = stream::make_presentation(make);
    });

    static stream::PlayerOptions play;
    static std::string abr = "throughput", trace_file;
    static double rate = 0;
    auto* pl = stream->add_subcommand("play", "Play a DASH presentation: ABR, simulated buffer, per-segment report");
    pl->add_option("URL", play.url, "http(s)://…/manifest.mpd")->required();
    pl->add_option("--abr", abr, "Rate rule: throughput or bola")->check(CLI::IsMember({"throughput", "bola"}));
    pl->add_option("--rate", rate, "Cap the download rate at KBPS kbit/s")->check(CLI::Range(1.0, 1e7));
    pl->add_option("--trace-file", trace_file, "Cap the download rate by a trace: 'SECONDS KBIT/S' lines");
    pl->add_option(
        "--out", play.out,
        "Write the received video to this .mp4/.mkv/.ts (each rendition at its own size, switches included)");
    pl->add_option("--max-buffer", play.max_buffer, "Seconds buffered ahead before waiting")
        ->check(CLI::Range(2.0, 600.0));
    pl->add_option("--duration", play.duration, "Seconds of media to play (live: default 30)")
        ->check(CLI::Range(1.0, 86400.0));
    pl->add_flag("-k,--insecure", play.insecure, "https: do not verify the server's certificate");
    pl->callback([&g] {
        setup(g, "warn");
        play.abr = abr == "bola" ? stream::AbrKind::bola : stream::AbrKind::throughput;
        if (rate > 0 && !trace_file.empty()) {
            std::cerr << "layer7 stream play: --rate and --trace-file exclude each other\n";
            g.status = 2;
            return;
        }
        if (rate > 0)
            play.rate = stream::RateTrace::fixed(rate);
        if (!trace_file.empty()) {
            std::ifstream in(trace_file);
            std::stringstream text;
            text << in.rdbuf();
            auto parsed = stream::RateTrace::parse(text.str());
            if (!in || !parsed) {
                std::cerr << "layer7 stream play: " << trace_file << ": " << (in ? parsed.error() : "cannot read")
                          << "\n";
                g.status = 2;
                return;
            }
            play.rate = std::move(parsed).value();
        }
        g.status = stream::run_player(play);
    });
}

}  // namespace layer7::cli
