// `layer7 imap serve`: the IMAP server (RFC 3501 + IDLE, UIDPLUS, MOVE, SPECIAL-USE) over DATA/mail Maildir++ trees.
#include "cli/mail_access_flags.hpp"
#include "mail/imap/service.hpp"

namespace layer7::cli {

void add_imap_commands(CLI::App& app, Globals& g)
{
    auto* imap_cmd = app.add_subcommand("imap", "IMAP server (folders, flags and UIDs on the server)");
    imap_cmd->require_subcommand(1);

    static MailAccessFlags serve;
    auto* serve_cmd = imap_cmd->add_subcommand("serve", "Serve the Maildirs under DATA/mail/DOMAIN/USER/");
    add_mail_access_flags(*serve_cmd, serve, "127.0.0.1:1143", "STARTTLS", "LOGIN");
    serve_cmd->callback([&g] {
        setup(g);
        mail::imap::Config config;
        if (!apply_mail_access_flags(serve, g, config, config.listen))
            return;
        std::vector<std::unique_ptr<core::Service>> services;
        // Alone: a mail system of its own (`layer7 up` shares one among the mail services).
        services.push_back(
            mail::imap::make_service(config, std::make_shared<mail::System>(config.users_path(), config.mail_path())));
        g.status = run_services(services, g.threads);
    });
}

}  // namespace layer7::cli
