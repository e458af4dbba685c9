// What the mail access services (POP3, IMAP) share: the users file, the mail root and the TLS
// settings of their config sections and the certificate they offer for STLS/STARTTLS. Logins are
// checked by the mail::System (system.hpp) built from users_path() and mail_path().
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <asio/ssl/context.hpp>

#include "core/config/config.hpp"
#include "core/net/tls.hpp"

namespace layer7::mail {

struct AccessConfig {
    bool enabled = true;
    std::string data_dir = "./layer7-data";
    std::string users_file;            // empty: DATA/users
    std::string mail_root;             // empty: DATA/mail (DOMAIN/USER/ Maildirs)
    std::string domain = "localhost";  // the domain of users-file lines without domain=
    bool tls = true;                   // offer STLS / STARTTLS
    std::string tls_cert, tls_key;     // empty: a self-signed dev certificate under DATA/tls
    core::TlsCiphers tls_ciphers;      // tls_ciphers, tls13_ciphersuites
    bool plaintext_auth = false;       // passwords without TLS from non-loopback peers
    std::size_t max_auth_failures = 3;
    std::chrono::milliseconds auth_failure_delay{1000};

    std::string users_path() const { return users_file.empty() ? data_dir + "/users" : users_file; }
    std::string mail_path() const { return mail_root.empty() ? data_dir + "/mail" : mail_root; }
};

// Reads the shared keys of a [pop3] or [imap] section, after core::parse_service_keys has read
// `enabled`, `listen` and the limits: the users file must be readable only when `enabled`.
void parse_access_config(core::Section& section, AccessConfig& config, const std::string& data_dir);

// The TLS context to offer, or null when `tls` is off; a start-up failure throws core::StartError
// naming `service`. Also checks that the users file loads.
std::shared_ptr<asio::ssl::context> start_access(const AccessConfig& config, std::string_view service);

}  // namespace layer7::mail
