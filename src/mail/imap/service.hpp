// The [imap] service: configuration and the listener (`layer7 imap serve`, `layer7 up`).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/service.hpp"
#include "mail/store/access.hpp"
#include "mail/store/system.hpp"

namespace layer7::mail::imap {

struct Config : mail::AccessConfig {  // the users file, mail root, TLS and login settings
    core::HostPort listen{"127.0.0.1", 1143};
    // RFC 3501 §5.4: the autologout timer is at least 30 minutes; RFC 7162 §4: 8192-octet lines;
    // max_message bounds an APPEND literal.
    core::Limits limits{.max_line = 8192,
                        .max_message = 32u << 20,
                        .max_connections = 1000,
                        .idle_timeout = std::chrono::seconds(1800)};
};

// Reads [imap]; `data_dir` is plan.runtime.data. Errors go to the section's diagnostics.
Config parse_config(core::Section section, const std::string& data_dir);
// `system` holds the users file and mail root of `config` (users_path(), mail_path()): its own, or
// the one `layer7 up` shares among the mail services.
std::unique_ptr<core::Service> make_service(const Config& config, std::shared_ptr<mail::System> system);

}  // namespace layer7::mail::imap
