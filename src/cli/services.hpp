// Builds every service from a config file: the only place that knows all protocols.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "cli/common.hpp"
#include "core/service.hpp"
#include "mail/queue/acceptor_slot.hpp"
#include "mail/store/system.hpp"

namespace layer7::cli {

struct RuntimeConfig {
    unsigned threads = 0;
    std::string data = "./layer7-data";
    std::string log_level = "info";
    std::string hosts;               // "" = /etc/hosts (or --hosts)
    std::chrono::seconds drain{30};  // a stop lets transfers in flight finish this long
    std::size_t blocking_threads = core::BlockingPool::default_threads;  // for fsyncs; read at start only
};

struct Plan {
    RuntimeConfig runtime;
    std::vector<std::unique_ptr<core::Service>> services;  // the enabled ones
    std::vector<std::string> keys;  // per service: its section's text and [runtime]'s (for reload)
};

// The mail::System of each users file and mail root a config names. Mail services that name the
// same pair (all of them in the default config) share one: one load of the users file, one store,
// one delivery notice. And the acceptor of each spool: web mail hands what it sends to the one of
// its queue_dir, where the [smtp] service of that spool plugs its intake. `layer7 up` keeps them
// across reloads, so a service restarted by SIGHUP shares them with those that kept running.
class MailSystems {
public:
    std::shared_ptr<mail::System> get(const std::string& users_path, const std::string& mail_root);
    std::shared_ptr<mail::AcceptorSlot> acceptor(const std::string& queue_path);

private:
    std::vector<std::shared_ptr<mail::System>> systems_;
    std::vector<std::pair<std::string, std::shared_ptr<mail::AcceptorSlot>>> acceptors_;  // by queue path
};

// Reads every section; errors accumulate in the file's diagnostics. Flags in `g` override the file.
// The mail services get their System from `mail_systems`.
Plan plan_services(core::ConfigFile& file, const Globals& g, MailSystems& mail_systems);

}  // namespace layer7::cli
