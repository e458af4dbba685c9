// `layer7 pop3 serve`: the POP3 server (RFC 1939 + CAPA, UIDL, TOP, STLS) over DATA/mail Maildirs.
#include "cli/mail_access_flags.hpp"
#include "mail/pop3/service.hpp"

namespace layer7::cli {

void add_pop3_commands(CLI::App& app, Globals& g)
{
    auto* pop3_cmd = app.add_subcommand("pop3", "POP3 server (Bob reads his mail)");
    pop3_cmd->require_subcommand(1);

    static MailAccessFlags serve;
    auto* serve_cmd = pop3_cmd->add_subcommand("serve", "Serve the Maildirs under DATA/mail/DOMAIN/USER/");
    add_mail_access_flags(*serve_cmd, serve, "127.0.0.1:1110", "STLS", "USER/PASS");
    serve_cmd->callback([&g] {
        setup(g);
        mail::pop3::Config config;
        if (!apply_mail_access_flags(serve, g, config, config.listen))
            return;
        std::vector<std::unique_ptr<core::Service>> services;
        // Alone: a mail system of its own (`layer7 up` shares one among the mail services).
        services.push_back(
            mail::pop3::make_service(config, std::make_shared<mail::System>(config.users_path(), config.mail_path())));
        g.status = run_services(services, g.threads);
    });
}

}  // namespace layer7::cli
