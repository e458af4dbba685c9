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

namespace {

// The services running under one runtime, and SIGHUP's replacement of those whose config changed.
class Services {
public:
    Services(core::Runtime& runtime, Replan replan) : runtime_(runtime), replan_(std::move(replan)) {}

    // Starts `fresh` (rows: each one's table rows); on a StartError stops what it started and
    // returns the message.
    std::optional<std::string> start(Generation& fresh, std::vector<std::vector<core::ServiceRow>>& rows)
    {
        std::size_t started = 0;
        std::optional<std::string> error;
        for (auto& s : fresh.services) {
            runtime_.set_owner(s.get());
            try {
                rows.push_back(s->start(runtime_));
                ++started;
            } catch (const core::StartError& e) {
                error = e.what();
                ++started;  // it may have opened some of its listeners
                break;
            }
        }
        runtime_.set_owner(nullptr);
        if (error)
            for (std::size_t i = 0; i < started; ++i)
                retire(std::move(fresh.services[i]));
        return error;
    }

    // The started services join the running ones; every service that just started is then told
    // all the rows (the home page lists them).
    void adopt(Generation generation, std::vector<std::vector<core::ServiceRow>> rows)
    {
        const std::size_t first = running_.size();
        for (std::size_t i = 0; i < generation.services.size(); ++i)
            running_.push_back({std::move(generation.services[i]),
                                i < generation.keys.size() ? generation.keys[i] : std::string(), std::move(rows[i])});
        std::vector<core::ServiceRow> all;
        for (const auto& r : running_)
            all.insert(all.end(), r.rows.begin(), r.rows.end());
        for (std::size_t i = first; i < running_.size(); ++i)
            running_[i].service->on_started(all);
    }

    void reconfigure()
    {
        std::optional<Generation> next = replan_();
        if (!next) {
            spdlog::error("reload: the config has errors; still running the previous one");
            return;
        }
        if (!next->log_level.empty())
            spdlog::set_level(spdlog::level::from_str(next->log_level));
        runtime_.set_drain_limit(next->drain);
        // Same key: keep the running one (its caches, swarms and queues go on).
        std::vector<Running> kept;
        Generation fresh;
        for (std::size_t i = 0; i < next->services.size(); ++i) {
            auto same = std::find_if(running_.begin(), running_.end(),
                                     [&](const Running& r) { return r.service && r.key == next->keys[i]; });
            if (same != running_.end()) {
                kept.push_back(std::move(*same));
                continue;
            }
            fresh.services.push_back(std::move(next->services[i]));
            fresh.keys.push_back(next->keys[i]);
        }
        for (auto& r : running_)
            if (r.service)
                runtime_.allow_handover(r.service.get());
        std::vector<std::vector<core::ServiceRow>> rows;
        if (auto error = start(fresh, rows)) {
            runtime_.end_handover();
            for (auto& k : kept)
                running_.push_back(std::move(k));
            std::erase_if(running_, [](const Running& r) { return !r.service; });
            spdlog::error("reload: {}; still running the previous config", *error);
            return;
        }
        std::size_t stopped = 0;
        for (auto& r : running_)
            if (r.service) {
                retire(std::move(r.service));
                ++stopped;
            }
        running_ = std::move(kept);
        const std::size_t unchanged = running_.size();
        for (const auto& service_rows : rows)
            for (const auto& row : service_rows)
                spdlog::info("reload: {} on {}", row.service, row.address);
        adopt(std::move(fresh), std::move(rows));
        spdlog::info("reload: {} service{} unchanged, {} started, {} stopped", unchanged, unchanged == 1 ? "" : "s",
                     running_.size() - unchanged, stopped);
    }

private:
    struct Running {
        std::unique_ptr<core::Service> service;
        std::string key;
        std::vector<core::ServiceRow> rows;
    };

    // Its connections in flight still use it: it lives on until the process ends.
    void retire(std::unique_ptr<core::Service> service)
    {
        runtime_.retire(service.get());
        retired_.push_back(std::move(service));
    }

    core::Runtime& runtime_;
    Replan replan_;
    std::vector<Running> running_;
    std::vector<std::unique_ptr<core::Service>> retired_;
};

}  // namespace

int run_services(Generation generation, unsigned threads, Replan replan)
{
    core::Runtime runtime(threads, generation.blocking_threads);
    runtime.set_drain_limit(generation.drain);
    const bool reloads = static_cast<bool>(replan);
    Services services(runtime, std::move(replan));
    std::vector<std::vector<core::ServiceRow>> rows;
    if (auto error = services.start(generation, rows)) {
        std::cerr << "layer7: " << *error << "\n";
        return exit_failure;
    }
    std::vector<core::ServiceRow> table;
    for (const auto& service_rows : rows)
        table.insert(table.end(), service_rows.begin(), service_rows.end());
    print_table(table, runtime.size());
    services.adopt(std::move(generation), std::move(rows));
    if (reloads)
        runtime.on_reconfigure([&services] { services.reconfigure(); });
    runtime.run();
    spdlog::info("stopped");
    return 0;
}

int run_services(std::vector<std::unique_ptr<core::Service>>& services, unsigned threads)
{
    Generation generation;
    generation.services = std::move(services);
    return run_services(std::move(generation), threads);
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
