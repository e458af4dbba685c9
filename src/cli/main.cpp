// layer7: the application layer in one program. Each service is a subcommand (DESIGN.md §4).
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "cli/default_config.hpp"
#include "cli/services.hpp"
#include "core/log/log.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/runtime.hpp"
#include "core/trace/trace.hpp"
#include "echo/echo.hpp"

namespace {

using namespace layer7;

struct Globals {
    bool trace = false;
    std::string log_level;  // empty: from config, else "info"
    unsigned threads = 0;   // 0: from config, else one per core
    std::string data;
};

constexpr int exit_config = 2;  // a config that does not validate

void setup(const Globals& g, const std::string& config_level = "info")
{
    const std::string level = g.log_level.empty() ? config_level : g.log_level;
    if (!core::setup_logging(level)) {
        std::cerr << "layer7: unknown log level '" << level << "'\n";
        std::exit(exit_config);
    }
    if (g.trace)
        core::Trace::instance().enable(stderr);
}

void print_table(const std::vector<core::ServiceRow>& rows, unsigned threads)
{
    std::size_t w1 = 7, w2 = 7;
    for (const auto& r : rows) {
        w1 = std::max(w1, r.service.size());
        w2 = std::max(w2, r.address.size());
    }
    std::printf("layer7 is up: %zu service%s on %u worker thread%s. Ctrl-C stops.\n\n", rows.size(),
                rows.size() == 1 ? "" : "s", threads, threads == 1 ? "" : "s");
    std::printf("%-*s  %-*s  %s\n", int(w1), "SERVICE", int(w2), "ADDRESS", "TRY");
    for (const auto& r : rows)
        std::printf("%-*s  %-*s  %s\n", int(w1), r.service.c_str(), int(w2), r.address.c_str(), r.try_it.c_str());
    std::printf("\n");
    std::fflush(stdout);
}

// Starts the services on a runtime and runs until SIGTERM/SIGINT.
int run_services(std::vector<std::unique_ptr<core::Service>>& services, unsigned threads)
{
    core::Runtime runtime(threads);
    std::vector<core::ServiceRow> rows;
    try {
        for (auto& s : services) {
            auto r = s->start(runtime);
            rows.insert(rows.end(), r.begin(), r.end());
        }
    } catch (const core::StartError& e) {
        std::cerr << "layer7: " << e.what() << "\n";
        return 1;
    }
    print_table(rows, runtime.size());
    runtime.run();
    spdlog::info("stopped");
    return 0;
}

int cmd_up(const Globals& g, const std::string& config_path)
{
    std::string text(cli::default_config());
    std::string name = "<embedded default>";
    if (!config_path.empty()) {
        auto read = core::read_text_file(config_path);
        if (!read) {
            std::cerr << "layer7: cannot read " << config_path << "\n";
            return exit_config;
        }
        text = std::move(*read);
        name = config_path;
    }
    core::ConfigFile file(text, name);
    cli::Plan plan = cli::plan_services(file);
    if (!file.ok()) {
        for (const auto& e : file.diagnostics().errors)
            std::cerr << e << "\n";
        return exit_config;
    }
    setup(g, plan.runtime.log_level);
    return run_services(plan.services, g.threads ? g.threads : plan.runtime.threads);
}

int cmd_config_check(const std::string& path)
{
    auto text = core::read_text_file(path);
    if (!text) {
        std::cerr << "layer7: cannot read " << path << "\n";
        return exit_config;
    }
    core::ConfigFile file(*text, path);
    cli::plan_services(file);
    if (!file.ok()) {
        for (const auto& e : file.diagnostics().errors)
            std::cerr << e << "\n";
        return exit_config;
    }
    std::cout << path << ": ok\n";
    return 0;
}

int cmd_echo_serve(const Globals& g, const std::string& listen, bool udp)
{
    setup(g);
    echo::Config config;
    if (!listen.empty()) {
        auto hp = core::parse_host_port(listen);
        if (!hp || !core::tcp_endpoint(*hp)) {
            std::cerr << "layer7: --listen wants IP:PORT or [v6]:PORT, got '" << listen << "'\n";
            return exit_config;
        }
        config.listen = *hp;
    }
    config.tcp = !udp;
    config.udp = udp;
    std::vector<std::unique_ptr<core::Service>> services;
    services.push_back(echo::make_service(config));
    return run_services(services, g.threads);
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"layer7 — the Internet's application layer in one program"};
    app.require_subcommand(1);
    app.fallthrough();
    Globals g;
    app.add_flag("--trace", g.trace, "Print each protocol line as C: / S: (the textbook's transcripts)");
    app.add_option("--log-level", g.log_level, "trace, debug, info, warn, error, off");
    app.add_option("--threads", g.threads, "Worker threads (default: one per core)");
    app.add_option("--data", g.data, "State directory (default ./layer7-data)");

    int status = 0;

    auto* up = app.add_subcommand("up", "Run every enabled service from one config (default: the embedded one)");
    std::string config_path;
    up->add_option("--config", config_path, "TOML config file")->check(CLI::ExistingFile);
    up->callback([&] { status = cmd_up(g, config_path); });

    auto* config = app.add_subcommand("config", "Print or validate a config");
    config->require_subcommand(1);
    config->add_subcommand("default", "Print the embedded default config")->callback([&] {
        std::cout << cli::default_config();
    });
    auto* check = config->add_subcommand("check", "Validate a config file (errors as file:line: message)");
    std::string check_path;
    check->add_option("FILE", check_path, "TOML config file")->required();
    check->callback([&] { status = cmd_config_check(check_path); });

    auto* echo_cmd = app.add_subcommand("echo", "Upper-casing echo server and client (sockets chapter)");
    echo_cmd->require_subcommand(1);
    auto* echo_serve = echo_cmd->add_subcommand("serve", "Serve on TCP (or UDP with --udp)");
    std::string echo_listen;
    bool echo_udp = false;
    echo_serve->add_option("--listen", echo_listen, "ADDR (default 127.0.0.1:12000)");
    echo_serve->add_flag("--udp", echo_udp, "UDP instead of TCP");
    echo_serve->callback([&] { status = cmd_echo_serve(g, echo_listen, echo_udp); });
    auto* echo_send = echo_cmd->add_subcommand("send", "Send TEXT to ADDR and print the reply");
    std::string send_addr, send_text;
    bool send_udp = false;
    int send_timeout = 5;
    echo_send->add_flag("--udp", send_udp, "UDP instead of TCP");
    echo_send->add_option("--timeout", send_timeout, "Seconds to wait for the reply");
    echo_send->add_option("ADDR", send_addr, "host:port")->required();
    echo_send->add_option("TEXT", send_text, "the line to send")->required();
    echo_send->callback([&] {
        auto hp = core::parse_host_port(send_addr);
        if (!hp) {
            std::cerr << "layer7: ADDR wants host:port or [v6]:port, got '" << send_addr << "'\n";
            status = exit_config;
            return;
        }
        setup(g, "warn");
        status = echo::send(*hp, send_text, send_udp, std::chrono::seconds(send_timeout));
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return status;
}
