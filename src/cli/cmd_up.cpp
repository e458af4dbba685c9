// `layer7 up` and `layer7 config default|check`.
#include <iostream>
#include <optional>

#include <spdlog/spdlog.h>

#include "cli/common.hpp"
#include "cli/default_config.hpp"
#include "cli/services.hpp"

namespace layer7::cli {

namespace {

// The config as `up` reads it: the file, or the embedded default.
struct ConfigText {
    std::string text, name;
};

std::optional<ConfigText> read_config(const std::string& config_path)
{
    if (config_path.empty())
        return ConfigText{std::string(default_config()), "<embedded default>"};
    auto read = core::read_text_file(config_path);
    if (!read)
        return std::nullopt;
    return ConfigText{std::move(*read), config_path};
}

Generation generation_of(Plan& plan, const Globals& g)
{
    Generation generation;
    generation.services = std::move(plan.services);
    generation.keys = std::move(plan.keys);
    generation.log_level = g.log_level.empty() ? plan.runtime.log_level : g.log_level;  // the flag wins
    generation.drain = plan.runtime.drain;
    generation.blocking_threads = plan.runtime.blocking_threads;
    return generation;
}

// SIGHUP: the same file read again. Errors are logged and change nothing.
std::optional<Generation> replan(const Globals& g, const std::string& config_path, MailSystems& mail_systems)
{
    auto config = read_config(config_path);
    if (!config) {
        spdlog::error("reload: cannot read {}", config_path);
        return std::nullopt;
    }
    core::ConfigFile file(config->text, config->name);
    Plan plan = plan_services(file, g, mail_systems);
    if (!file.ok()) {
        for (const auto& e : file.diagnostics().errors)
            spdlog::error("reload: {}", e);
        return std::nullopt;
    }
    if (g.hosts.empty() && !plan.runtime.hosts.empty())
        load_hosts(plan.runtime.hosts, true);
    return generation_of(plan, g);
}

int cmd_up(const Globals& g, const std::string& config_path)
{
    auto config = read_config(config_path);
    if (!config) {
        std::cerr << "layer7: cannot read " << config_path << "\n";
        return exit_usage;
    }
    core::ConfigFile file(config->text, config->name);
    MailSystems mail_systems;  // lives while the services run: every reload plans with it
    Plan plan = plan_services(file, g, mail_systems);
    if (!file.ok()) {
        for (const auto& e : file.diagnostics().errors)
            std::cerr << e << "\n";
        return exit_usage;
    }
    setup(g, plan.runtime.log_level);
    if (g.hosts.empty() && !plan.runtime.hosts.empty() && !load_hosts(plan.runtime.hosts, true))
        return exit_usage;
    return run_services(generation_of(plan, g), g.threads ? g.threads : plan.runtime.threads,
                        [&g, config_path, &mail_systems] { return replan(g, config_path, mail_systems); });
}

int cmd_config_check(const Globals& g, const std::string& path)
{
    auto text = core::read_text_file(path);
    if (!text) {
        std::cerr << "layer7: cannot read " << path << "\n";
        return exit_usage;
    }
    core::ConfigFile file(*text, path);
    MailSystems mail_systems;
    plan_services(file, g, mail_systems);
    if (!file.ok()) {
        for (const auto& e : file.diagnostics().errors)
            std::cerr << e << "\n";
        return exit_usage;
    }
    std::cout << path << ": ok\n";
    return 0;
}

}  // namespace

void add_up_commands(CLI::App& app, Globals& g)
{
    auto* up = app.add_subcommand("up", "Run every enabled service from one config (default: the embedded one)");
    static std::string config_path;
    up->add_option("--config", config_path, "TOML config file")->check(CLI::ExistingFile);
    up->callback([&g] { g.status = cmd_up(g, config_path); });

    auto* config = app.add_subcommand("config", "Print or validate a config");
    config->require_subcommand(1);
    config->add_subcommand("default", "Print the embedded default config")->callback([] {
        std::cout << default_config();
    });
    auto* check = config->add_subcommand("check", "Validate a config file (errors as file:line: message)");
    static std::string check_path;
    check->add_option("FILE", check_path, "TOML config file")->required();
    check->callback([&g] { g.status = cmd_config_check(g, check_path); });
}

}  // namespace layer7::cli
