// The [pop3] service: configuration and the listener (`layer7 pop3 serve`, `layer7 up`).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/service.hpp"
#include "mail/store/access.hpp"
#include "mail/store/system.hpp"

namespace layer7::mail::pop3 {

struct Config : mail::AccessConfig {  // the users file, mail root, TLS and login settings
    core::HostPort listen{"127.0.0.1", 1110};
    // RFC 2449 §4 allows 255-octet commands; RFC 1939 §3 a 10-minute autologout timer at least.
    core::Limits limits{.max_line = 512, .max_connections = 1000, .idle_timeout = std::chrono::seconds(600)};
};

// Reads [pop3]; `data_dir` is plan.runtime.data. Errors go to the section's diagnostics.
Config parse_config(core::Section section, const std::string& data_dir);
// `system` holds the users file and mail root of `config` (users_path(), mail_path()): its own, or
// the one `layer7 up` shares among the mail services.
std::unique_ptr<core::Service> make_service(const Config& config, std::shared_ptr<mail::System> system);

}  // namespace layer7::mail::pop3
