// Shared subcommand plumbing: see common.hpp.
#include "cli/common.hpp"

#include <cstdio>
#include <iostream>

#include <spdlog/spdlog.h>

#include "core/config/config.hpp"
#include "core/log/log.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/runtime.hpp"
#include "core/trace/trace.hpp"

namespace layer7::cli {

void setup(const Globals& g, const std::string& default_level)
{
    const std::string level = g.log_level.empty() ? default_level : g.log_level;
    if (!core::setup_logging(level)) {
        std::cerr << "layer7: unknown log level '" << level << "'\n";
        std::exit(exit_usage);
    }
    if (g.trace)
        core::Trace::instance().enable(stderr);
    if (!load_hosts(g.hosts.empty() ? "/etc/hosts" : g.hosts, !g.hosts.empty()))
        std::exit(exit_usage);
}

bool load_hosts(const std::string& file, bool explicitly_named)
{
    if (file == "none") {
        core::use_hosts({});
        return true;
    }
    auto text = core::read_text_file(file);
    if (!text) {
        if (explicitly_named)
            std::cerr << "layer7: cannot read the hosts file " << file << "\n";
        return !explicitly_named;
    }
    core::HostsParse parsed = core::parse_hosts(*text);
    for (std::size_t line : parsed.bad_lines)
        spdlog::warn("{}:{}: not an address followed by host names: ignored", file, line);
    if (parsed.truncated)
        spdlog::warn("{}: too many entries; the rest is ignored", file);
    core::use_hosts(core::HostsTable(std::move(parsed.entries)));
    return true;
}

namespace {
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
}  // namespace

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
        return exit_failure;
    }
    print_table(rows, runtime.size());
    for (auto& s : services)
        s->on_started(rows);
    runtime.run();
    spdlog::info("stopped");
    return 0;
}

std::optional<core::HostPort> parse_addr(const std::string& flag, const std::string& text, bool listener)
{
    auto hp = core::parse_host_port(text);
    if (!hp || (listener && !core::tcp_endpoint(*hp))) {
        std::cerr << "layer7: " << flag << " wants " << (listener ? "IP:PORT" : "HOST:PORT") << " or [v6]:PORT, got '"
                  << text << "'\n";
        return std::nullopt;
    }
    return hp;
}

}  // namespace layer7::cli
