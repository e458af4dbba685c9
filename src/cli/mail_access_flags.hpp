// The `serve` flags POP3 and IMAP share (users, mail root, TLS, login rules) and how they fill the
// service's config.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/common.hpp"
#include "mail/store/access.hpp"

namespace layer7::cli {

struct MailAccessFlags {
    std::string listen, users, maildir_root, domain, tls_cert, tls_key;
    bool no_tls = false;
    bool plaintext_auth = false;
    int auth_failure_delay_ms = 1000;
};

// `default_listen` and the protocol's names for its TLS upgrade ("STLS") and password login
// ("USER/PASS") go into the help texts.
void add_mail_access_flags(CLI::App& serve, MailAccessFlags& flags, std::string_view default_listen,
                           std::string_view starttls, std::string_view login);

// Fills `config` (and `listen`) from the flags; false (with g.status = exit_usage) on bad arguments.
bool apply_mail_access_flags(const MailAccessFlags& flags, Globals& g, mail::AccessConfig& config,
                             core::HostPort& listen);

}  // namespace layer7::cli
