// The [pop3] service: configuration and the listener (`layer7 pop3 serve`, `layer7 up`).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/service.hpp"

namespace layer7::pop3 {

struct Config {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 1110};
    std::string data_dir = "./layer7-data";
    std::string users_file;            // empty: DATA/users
    std::string mail_root;             // empty: DATA/mail (DOMAIN/USER/ Maildirs)
    std::string domain = "localhost";  // the domain of users-file lines without domain=
    bool tls = true;                   // offer STLS (RFC 2595)
    std::string tls_cert, tls_key;     // empty: a self-signed dev certificate under DATA/tls
    bool plaintext_auth = false;       // USER/PASS without TLS from non-loopback peers
    std::size_t max_auth_failures = 3;
    std::chrono::milliseconds auth_failure_delay{1000};
    // RFC 2449 §4 allows 255-octet commands; RFC 1939 §3 a 10-minute autologout timer at least.
    core::Limits limits{.max_line = 512, .max_connections = 1000, .idle_timeout = std::chrono::seconds(600)};

    std::string users_path() const { return users_file.empty() ? data_dir + "/users" : users_file; }
    std::string mail_path() const { return mail_root.empty() ? data_dir + "/mail" : mail_root; }
};

// Reads [pop3]; `data_dir` is plan.runtime.data. Errors go to the section's diagnostics.
Config parse_config(core::Section section, const std::string& data_dir);
std::unique_ptr<core::Service> make_service(const Config& config);

}  // namespace layer7::pop3
