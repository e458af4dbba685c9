// `layer7 imap serve`: the IMAP server (RFC 3501 + IDLE, UIDPLUS, MOVE, SPECIAL-USE) over DATA/mail Maildir++ trees.
#include <algorithm>
#include <iostream>

#include "cli/common.hpp"
#include "mail/imap/service.hpp"

namespace layer7::cli {

void add_imap_commands(CLI::App& app, Globals& g)
{
    auto* imap_cmd = app.add_subcommand("imap", "IMAP server (folders, flags and UIDs on the server)");
    imap_cmd->require_subcommand(1);

    struct Serve {
        std::string listen, users, maildir_root, domain, tls_cert, tls_key;
        bool no_tls = false;
        bool plaintext_auth = false;
        int auth_failure_delay_ms = 1000;
    };
    static Serve serve;
    auto* serve_cmd = imap_cmd->add_subcommand("serve", "Serve the Maildirs under DATA/mail/DOMAIN/USER/");
    serve_cmd->add_option("--listen", serve.listen, "ADDR (default 127.0.0.1:1143)");
    serve_cmd->add_option("--users", serve.users, "Users file (default DATA/users); login bob or bob@domain");
    serve_cmd->add_option("--maildir-root", serve.maildir_root, "Mail root (default DATA/mail)");
    serve_cmd->add_option("--domain", serve.domain, "Domain of users without domain= (default localhost)");
    serve_cmd->add_option("--tls-cert", serve.tls_cert, "Certificate for STARTTLS (default: a dev certificate)");
    serve_cmd->add_option("--tls-key", serve.tls_key, "Private key for STARTTLS");
    serve_cmd->add_flag("--no-tls", serve.no_tls, "Do not offer STARTTLS");
    serve_cmd->add_flag("--plaintext-auth", serve.plaintext_auth,
                        "Allow LOGIN without TLS from non-loopback clients");
    serve_cmd->add_option("--auth-failure-delay", serve.auth_failure_delay_ms,
                          "Milliseconds before answering a failed login, doubled each time (default 1000)");
    serve_cmd->callback([&g] {
        setup(g);
        imap::Config config;
        config.data_dir = g.data.empty() ? "./layer7-data" : g.data;
        if (!serve.listen.empty()) {
            auto hp = parse_addr("--listen", serve.listen, true);
            if (!hp) {
                g.status = exit_usage;
                return;
            }
            config.listen = *hp;
        }
        if (serve.tls_cert.empty() != serve.tls_key.empty()) {
            std::cerr << "layer7: --tls-cert and --tls-key go together\n";
            g.status = exit_usage;
            return;
        }
        config.users_file = serve.users;
        config.mail_root = serve.maildir_root;
        if (!serve.domain.empty())
            config.domain = serve.domain;
        config.tls = !serve.no_tls;
        config.tls_cert = serve.tls_cert;
        config.tls_key = serve.tls_key;
        config.plaintext_auth = serve.plaintext_auth;
        config.auth_failure_delay = std::chrono::milliseconds(std::max(0, serve.auth_failure_delay_ms));
        std::vector<std::unique_ptr<core::Service>> services;
        services.push_back(imap::make_service(config));
        g.status = run_services(services, g.threads);
    });
}

}  // namespace layer7::cli
