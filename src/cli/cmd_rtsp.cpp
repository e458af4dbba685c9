// `layer7 rtsp serve|play`: the RTSP/RTP media server and the player with its playout buffer.
#include <iostream>

#include "cli/common.hpp"
#include "rtsp/client.hpp"
#include "rtsp/service.hpp"

namespace layer7::cli {

void add_rtsp_commands(CLI::App& app, Globals& g)
{
    auto* rtsp_cmd = app.add_subcommand("rtsp", "RTSP media server and player (RFC 2326, RTP/RTCP per RFC 3550)");
    rtsp_cmd->require_subcommand(1);

    struct Serve {
        std::string listen, media, stats;
        int rtp_port = 8000;
        int session_timeout = 60;
    };
    static Serve serve;
    auto* serve_cmd =
        rtsp_cmd->add_subcommand("serve", "Serve live paths (publish with ANNOUNCE/RECORD) and media files");
    serve_cmd->add_option("--listen", serve.listen, "ADDR (default 127.0.0.1:8554)");
    serve_cmd->add_option("--media", serve.media, "DIR of files to play (MP4, MKV: H.264, AAC, Opus)");
    serve_cmd->add_option("--stats", serve.stats,
                          "ADDR for an HTTP stats page: readers and their RTCP reports (default off)");
    serve_cmd->add_option("--rtp-port", serve.rtp_port, "our RTP UDP port (even; RTCP is the next one)")
        ->check(CLI::Range(1024, 65534));
    serve_cmd
        ->add_option("--session-timeout", serve.session_timeout,
                     "seconds without RTSP or RTP/RTCP before a session ends")
        ->check(CLI::Range(5, 86400));
    serve_cmd->callback([&g] {
        setup(g);
        rtsp::RtspConfig config;
        if (!serve.listen.empty()) {
            auto hp = parse_addr("--listen", serve.listen, true);
            if (!hp) {
                g.status = exit_usage;
                return;
            }
            config.listen = *hp;
        }
        if (!serve.stats.empty()) {
            config.stats_listen = parse_addr("--stats", serve.stats, true);
            if (!config.stats_listen) {
                g.status = exit_usage;
                return;
            }
        }
        if (serve.rtp_port % 2 != 0) {
            std::cerr << "--rtp-port: must be even (RTCP takes the next port)\n";
            g.status = exit_usage;
            return;
        }
        config.rtp_port = static_cast<std::uint16_t>(serve.rtp_port);
        config.media_root = serve.media;
        config.options.session_timeout = std::chrono::seconds(serve.session_timeout);
        std::vector<std::unique_ptr<core::Service>> services;
        try {
            services.push_back(rtsp::make_rtsp_service(config));
        } catch (const core::StartError& e) {
            std::cerr << e.what() << '\n';
            g.status = exit_failure;
            return;
        }
        g.status = run_services(services, g.threads);
    });

    static rtsp::PlayOptions play;
    auto* play_cmd =
        rtsp_cmd->add_subcommand("play", "Play URL through a playout buffer, printing its state every second");
    play_cmd->add_option("URL", play.url, "rtsp://host[:port]/path")->required();
    play_cmd->add_flag("--tcp", play.tcp, "RTP interleaved on the RTSP connection instead of UDP");
    play_cmd->add_option("--out", play.out,
                         "write what was received to FILE, unchanged: .mkv/.mp4/.ts hold H.264, AAC and Opus; .h264 "
                         "the H.264 track alone");
    play_cmd->add_option("--delay", play.delay_ms, "playout delay in ms (default 200)")->check(CLI::Range(0, 60000));
    play_cmd->add_option("--duration", play.duration, "stop after this many seconds (default: at the end)")
        ->check(CLI::Range(0.0, 1e6));
    play_cmd->callback([&g] {
        setup(g);
        g.status = rtsp::play(play, std::cout);
    });
}

}  // namespace layer7::cli
