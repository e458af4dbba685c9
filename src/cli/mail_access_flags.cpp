// The POP3/IMAP `serve` flags: see mail_access_flags.hpp.
#include "cli/mail_access_flags.hpp"

#include <algorithm>
#include <iostream>

namespace layer7::cli {

void add_mail_access_flags(CLI::App& serve, MailAccessFlags& flags, std::string_view default_listen,
                           std::string_view starttls, std::string_view login)
{
    const std::string tls(starttls), pass(login);
    serve.add_option("--listen", flags.listen, "ADDR (default " + std::string(default_listen) + ")");
    serve.add_option("--users", flags.users, "Users file (default DATA/users); login bob or bob@domain");
    serve.add_option("--maildir-root", flags.maildir_root, "Mail root (default DATA/mail)");
    serve.add_option("--domain", flags.domain, "Domain of users without domain= (default localhost)");
    serve.add_option("--tls-cert", flags.tls_cert, "Certificate for " + tls + " (default: a dev certificate)");
    serve.add_option("--tls-key", flags.tls_key, "Private key for " + tls);
    serve.add_flag("--no-tls", flags.no_tls, "Do not offer " + tls);
    serve.add_flag("--plaintext-auth", flags.plaintext_auth,
                   "Allow " + pass + " without TLS from non-loopback clients");
    serve.add_option("--auth-failure-delay", flags.auth_failure_delay_ms,
                     "Milliseconds before answering a failed login, doubled each time (default 1000)");
}

bool apply_mail_access_flags(const MailAccessFlags& flags, Globals& g, mail::AccessConfig& config,
                             core::HostPort& listen)
{
    config.data_dir = g.data.empty() ? "./layer7-data" : g.data;
    if (!flags.listen.empty()) {
        auto hp = parse_addr("--listen", flags.listen, true);
        if (!hp) {
            g.status = exit_usage;
            return false;
        }
        listen = *hp;
    }
    if (flags.tls_cert.empty() != flags.tls_key.empty()) {
        std::cerr << "layer7: --tls-cert and --tls-key go together\n";
        g.status = exit_usage;
        return false;
    }
    config.users_file = flags.users;
    config.mail_root = flags.maildir_root;
    if (!flags.domain.empty())
        config.domain = flags.domain;
    config.tls = !flags.no_tls;
    config.tls_cert = flags.tls_cert;
    config.tls_key = flags.tls_key;
    config.plaintext_auth = flags.plaintext_auth;
    config.auth_failure_delay = std::chrono::milliseconds(std::max(0, flags.auth_failure_delay_ms));
    return true;
}

}  // namespace layer7::cli
