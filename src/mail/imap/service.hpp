// The [imap] service: configuration and the listener (`layer7 imap serve`, `layer7 up`).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/service.hpp"

namespace layer7::imap {

struct Config {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 1143};
    std::string data_dir = "./layer7-data";
    std::string users_file;            // empty: DATA/users
    std::string mail_root;             // empty: DATA/mail (DOMAIN/USER/ Maildir++ trees, shared with POP3/SMTP)
    std::string domain = "localhost";  // the domain of users-file lines without domain=
    bool tls = true;                   // offer STARTTLS (RFC 3501 §6.2.1)
    std::string tls_cert, tls_key;     // empty: a self-signed dev certificate under DATA/tls
    bool plaintext_auth = false;       // LOGIN without TLS from non-loopback peers
    std::size_t max_auth_failures = 3;
    std::chrono::milliseconds auth_failure_delay{1000};
    // RFC 3501 §5.4: the autologout timer is at least 30 minutes; RFC 7162 §4: 8192-octet lines;
    // max_message bounds an APPEND literal.
    core::Limits limits{.max_line = 8192, .max_message = 32u << 20, .max_connections = 1000,
                        .idle_timeout = std::chrono::seconds(1800)};

    std::string users_path() const { return users_file.empty() ? data_dir + "/users" : users_file; }
    std::string mail_path() const { return mail_root.empty() ? data_dir + "/mail" : mail_root; }
};

// Reads [imap]; `data_dir` is plan.runtime.data. Errors go to the section's diagnostics.
Config parse_config(core::Section section, const std::string& data_dir);
std::unique_ptr<core::Service> make_service(const Config& config);

}  // namespace layer7::imap
