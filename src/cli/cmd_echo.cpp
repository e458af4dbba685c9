// `layer7 echo serve|send`: the sockets chapter's TCP/UDP servers and clients.
#include <unistd.h>

#include <iostream>
#include <iterator>

#include "cli/common.hpp"
#include "echo/echo.hpp"

namespace layer7::cli {

namespace {
// TEXT omitted: the whole of stdin (`echo x | layer7 echo send ADDR`), or one typed line, as the
// textbook's input() reads; the final newline is the line's end, not part of the text.
std::string text_from_stdin()
{
    std::string text;
    if (::isatty(STDIN_FILENO)) {
        std::cerr << "Input lowercase sentence: " << std::flush;
        std::getline(std::cin, text);
        return text;
    }
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (text.ends_with('\n'))
        text.pop_back();
    if (text.ends_with('\r'))
        text.pop_back();
    return text;
}
}  // namespace

void add_echo_commands(CLI::App& app, Globals& g)
{
    auto* echo_cmd = app.add_subcommand("echo", "Upper-casing echo server and client (sockets chapter)");
    echo_cmd->require_subcommand(1);

    struct Serve {
        std::string listen;
        bool udp = false;
    };
    static Serve serve;
    auto* serve_cmd = echo_cmd->add_subcommand("serve", "Serve on TCP (or UDP with --udp)");
    serve_cmd->add_option("--listen", serve.listen, "ADDR (default 127.0.0.1:12000)");
    serve_cmd->add_flag("--udp", serve.udp, "UDP instead of TCP");
    serve_cmd->callback([&g] {
        setup(g);
        echo::Config config;
        if (!serve.listen.empty()) {
            auto hp = parse_addr("--listen", serve.listen, true);
            if (!hp) {
                g.status = exit_usage;
                return;
            }
            config.listen = *hp;
        }
        config.tcp = !serve.udp;
        config.udp = serve.udp;
        std::vector<std::unique_ptr<core::Service>> services;
        services.push_back(echo::make_service(config));
        g.status = run_services(services, g.threads);
    });

    struct Send {
        std::string addr, text;
        bool udp = false;
        int timeout = 5;
    };
    static Send send;
    auto* send_cmd = echo_cmd->add_subcommand("send", "Send TEXT to ADDR and print the reply");
    send_cmd->add_flag("--udp", send.udp, "UDP instead of TCP");
    send_cmd->add_option("--timeout", send.timeout, "Seconds to wait for the reply");
    send_cmd->add_option("ADDR", send.addr, "host:port")->required();
    auto* text_opt = send_cmd->add_option("TEXT", send.text, "the text to send (default: read from stdin)");
    send_cmd->callback([&g, text_opt] {
        auto hp = parse_addr("ADDR", send.addr, false);
        if (!hp) {
            g.status = exit_usage;
            return;
        }
        if (text_opt->count() == 0)
            send.text = text_from_stdin();
        setup(g, "warn");
        g.status = echo::send(*hp, send.text, send.udp, std::chrono::seconds(send.timeout));
    });
}

}  // namespace layer7::cli
