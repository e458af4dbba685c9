// `layer7 up` and `layer7 config default|check`.
#include <iostream>

#include "cli/common.hpp"
#include "cli/default_config.hpp"
#include "cli/services.hpp"

namespace layer7::cli {

namespace {

int cmd_up(const Globals& g, const std::string& config_path)
{
    std::string text(default_config());
    std::string name = "<embedded default>";
    if (!config_path.empty()) {
        auto read = core::read_text_file(config_path);
        if (!read) {
            std::cerr << "layer7: cannot read " << config_path << "\n";
            return exit_usage;
        }
        text = std::move(*read);
        name = config_path;
    }
    core::ConfigFile file(text, name);
    Plan plan = plan_services(file, g);
    if (!file.ok()) {
        for (const auto& e : file.diagnostics().errors)
            std::cerr << e << "\n";
        return exit_usage;
    }
    setup(g, plan.runtime.log_level);
    if (g.hosts.empty() && !plan.runtime.hosts.empty() && !load_hosts(plan.runtime.hosts, true))
        return exit_usage;
    return run_services(plan.services, g.threads ? g.threads : plan.runtime.threads);
}

int cmd_config_check(const Globals& g, const std::string& path)
{
    auto text = core::read_text_file(path);
    if (!text) {
        std::cerr << "layer7: cannot read " << path << "\n";
        return exit_usage;
    }
    core::ConfigFile file(*text, path);
    plan_services(file, g);
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
