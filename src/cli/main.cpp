// layer7: the application layer in one program. Each service is a subcommand (DESIGN.md §4).
#include <fstream>
#include <iostream>

#include <malloc.h>

#include <CLI/CLI.hpp>

#include "cli/cmd_stream.hpp"
#include "cli/common.hpp"
#include "cli/help.hpp"
#include "core/trace/secret_mask.hpp"

namespace layer7::cli {
}

int main(int argc, char** argv)
{
    using namespace layer7::cli;
    // glibc hands the free top of a heap back to the kernel once 128 KiB are free there, and serves
    // large blocks with mmap/munmap. A connection that takes and frees a 64 KiB buffer per message
    // (a WebSocket echo, a proxied body) then pays page faults and TLB shootdowns every time:
    // bench/websocket.sh's 64 KiB echo went from about 300 to 500 MB/s with these two. Freed
    // memory stays with the process for the next burst (at most 32 MiB per heap).
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    CLI::App app{"the Internet's application layer in one program", "layer7"};
    app.formatter(std::make_shared<ManFormatter>());  // before the subcommands: they inherit it
    app.require_subcommand(1);
    app.fallthrough();  // global flags are accepted after the subcommand too
    app.set_version_flag("--version", "layer7 " LAYER7_VERSION);
    Globals g;
    app.add_flag("--trace", g.trace, "Print each protocol line as C: / S: (the textbook's transcripts)");
    app.add_flag_callback(
           "--trace-secrets",
           [&g] {
               g.trace = true;
               layer7::core::show_trace_secrets(true);
           },
           "--trace with passwords shown (--trace masks them as ****)")
        ->trigger_on_parse();  // before any subcommand callback, which may run as soon as it is parsed
    app.add_option("--log-level", g.log_level, "trace, debug, info, warn, error, off");
    app.add_option("--threads", g.threads, "Worker threads (default: one per core)");
    app.add_option("--data", g.data, "State directory (default ./layer7-data)");
    app.add_option("--hosts", g.hosts, "Hosts file clients consult before DNS (default /etc/hosts; none: off)");

    add_up_commands(app, g);
    add_echo_commands(app, g);
    add_user_commands(app, g);
    add_http_commands(app, g);
    add_dns_commands(app, g);
    add_pop3_commands(app, g);
    add_imap_commands(app, g);
    add_mail_commands(app, g);
    add_smtp_commands(app, g);
    add_ftp_commands(app, g);
    add_rtsp_commands(app, g);
    add_get_commands(app, g);
    add_proxy_commands(app, g);
    add_torrent_commands(app, g);
    add_ws_commands(app, g);
    add_stream_commands(app, g);
    add_connect_commands(app, g);
    add_lab_commands(app, g);
    add_im_commands(app, g);

    // Hidden: writes layer7(1) in roff to FILE ("-": stdout); the build and `cmake --install` use it.
    app.add_option_function<std::string>("--man-page",
                                         [&app](const std::string& file) {
                                             const std::string page = man_page(app, LAYER7_VERSION);
                                             if (file == "-") {
                                                 std::cout << page;
                                             } else {
                                                 std::ofstream out(file, std::ios::trunc);
                                                 out << page;
                                                 if (!out.flush())
                                                     throw CLI::RuntimeError("cannot write " + file, exit_failure);
                                             }
                                             throw CLI::Success();
                                         })
        ->group("")
        ->trigger_on_parse();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 prints the message (or the help / version, exit 0); its own codes (104–109 for
        // usage errors) are not ours: DESIGN §4 says a usage error exits 2 — except for dig,
        // which keeps dig's own convention (1) so scripts written for dig work unchanged.
        if (app.exit(e) == 0)
            return 0;
        return app.got_subcommand("dig") ? exit_failure : exit_usage;
    }
    return g.status;
}
