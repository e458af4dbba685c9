// What every subcommand shares: global flags, logging/trace set-up, running services.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/runtime/blocking_pool.hpp"
#include "core/service.hpp"
#include "core/text/host_port.hpp"

namespace layer7::cli {

struct Globals {
    bool trace = false;
    std::string log_level;  // empty: from config, else "info"
    unsigned threads = 0;   // 0: from config, else one per core
    std::string data;       // empty: from config, else ./layer7-data
    std::string hosts;      // empty: from config, else /etc/hosts; "none": no hosts file
    int status = 0;         // the process exit code, set by the subcommand that ran
};

inline constexpr int exit_failure = 1;  // start-up or run failure
inline constexpr int exit_usage = 2;    // bad arguments or a config that does not validate

// Log level and --trace; exits with exit_usage on an unknown level.
void setup(const Globals& g, const std::string& default_level = "info");
// Installs the hosts file every client consults first (core::use_hosts); warns about bad lines.
// False when an explicitly named file cannot be read.
bool load_hosts(const std::string& file, bool explicitly_named);
// A set of services, each with its key: the config text it was built from, so that a reload can
// tell which ones changed.
struct Generation {
    std::vector<std::unique_ptr<core::Service>> services;
    std::vector<std::string> keys;   // empty, or one per service
    std::string log_level;           // applied at reload; empty: unchanged
    std::chrono::seconds drain{30};  // how long a stop lets transfers in flight finish
    std::size_t blocking_threads = core::BlockingPool::default_threads;  // a reload keeps the first pool
};
// The config read again at SIGHUP; nullopt when it has errors (already logged).
using Replan = std::function<std::optional<Generation>()>;
// Starts every service on one runtime, prints the table, runs until SIGTERM/SIGINT. With
// `replan`, SIGHUP replaces the services whose key changed (and starts and stops those added
// and removed); the others keep running, with their state, and only run their reload hooks.
int run_services(Generation generation, unsigned threads, Replan replan = {});
int run_services(std::vector<std::unique_ptr<core::Service>>& services, unsigned threads);
// Parses an ADDR argument or prints a one-line error (and returns nullopt).
std::optional<core::HostPort> parse_addr(const std::string& flag, const std::string& text, bool listener);

// Each protocol adds its subcommands here (one file each: cmd_<protocol>.cpp).
void add_up_commands(CLI::App& app, Globals& g);
void add_echo_commands(CLI::App& app, Globals& g);
void add_user_commands(CLI::App& app, Globals& g);
void add_http_commands(CLI::App& app, Globals& g);
void add_dns_commands(CLI::App& app, Globals& g);
void add_dns_resolve_command(CLI::App& dns_cmd, Globals& g);  // under `layer7 dns`
void add_pop3_commands(CLI::App& app, Globals& g);
void add_imap_commands(CLI::App& app, Globals& g);
void add_mail_commands(CLI::App& app, Globals& g);
void add_smtp_commands(CLI::App& app, Globals& g);
void add_ftp_commands(CLI::App& app, Globals& g);
void add_get_commands(CLI::App& app, Globals& g);
void add_proxy_commands(CLI::App& app, Globals& g);
void add_torrent_commands(CLI::App& app, Globals& g);  // torrent make|info and tracker serve
void add_ws_commands(CLI::App& app, Globals& g);
void add_connect_commands(CLI::App& app, Globals& g);
void add_rtsp_commands(CLI::App& app, Globals& g);  // rtsp serve|play
void add_lab_commands(CLI::App& app, Globals& g);   // lab list|run|relay
void add_im_commands(CLI::App& app, Globals& g);    // im serve | im NAME

}  // namespace layer7::cli
