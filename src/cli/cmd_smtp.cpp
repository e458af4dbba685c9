// `layer7 smtp serve`: the MTA — relay/MX port, submission port, durable queue, MX delivery.
#include <iostream>

#include "cli/common.hpp"
#include "mail/mta/service.hpp"
#include "mail/store/accounts.hpp"

namespace layer7::cli {

void add_smtp_commands(CLI::App& app, Globals& g)
{
    auto* smtp_cmd = app.add_subcommand("smtp", "SMTP mail server (Alice's and Bob's mail servers)");
    smtp_cmd->require_subcommand(1);

    struct Serve {
        std::vector<std::string> domains, trusted, routes;
        std::string listen, submission, users, hostname, tls_cert, tls_key, resolver, maildir_root, queue_dir;
        bool no_tls = false, no_relay_tls = false;
        int mx_port = 25, retry_min = 300, retry_max = 4000, max_age = 432000, max_recipients = 100;
        long long max_message = 32ll << 20;
        int auth_failure_delay_ms = 2000, idle_timeout = 300, max_active = 20;
    };
    static Serve serve;
    auto* cmd = smtp_cmd->add_subcommand("serve", "Receive mail for --domain into DATA/mail, relay the rest by MX");
    cmd->add_option("--domain", serve.domains,
                    "A domain delivered here (repeatable); the first is the users' "
                    "default")
        ->required();
    cmd->add_option("--listen", serve.listen, "Relay/MX ADDR (default 127.0.0.1:2525)");
    cmd->add_option("--submission", serve.submission,
                    "Submission ADDR, AUTH required (default 127.0.0.1:2587; "
                    "'off' to disable)");
    cmd->add_option("--users", serve.users, "Users file (default DATA/users; name:HASH[:domain=D])");
    cmd->add_option("--hostname", serve.hostname, "Our name in the greeting and Received: (default localhost)");
    cmd->add_option("--trust", serve.trusted,
                    "A network that may relay without AUTH, e.g. 127.0.0.0/8 "
                    "(repeatable)");
    cmd->add_option("--route", serve.routes,
                    "DOMAIN=HOST:PORT: a static route that wins over MX (repeatable; "
                    "DOMAIN * = every remote domain)");
    cmd->add_option("--resolver", serve.resolver,
                    "DNS server for MX lookups, e.g. 127.0.0.1:5335 (default: "
                    "/etc/resolv.conf)");
    cmd->add_option("--mx-port", serve.mx_port, "Port dialled on MX hosts (default 25)");
    cmd->add_option("--maildir-root", serve.maildir_root, "Mail root (default DATA/mail)");
    cmd->add_option("--queue-dir", serve.queue_dir, "Queue directory (default DATA/queue)");
    cmd->add_option("--tls-cert", serve.tls_cert, "Certificate for STARTTLS (default: a dev certificate)");
    cmd->add_option("--tls-key", serve.tls_key, "Private key for STARTTLS");
    cmd->add_flag("--no-tls", serve.no_tls, "Do not offer STARTTLS");
    cmd->add_flag("--no-relay-tls", serve.no_relay_tls, "Do not use STARTTLS when relaying");
    cmd->add_option("--retry-min", serve.retry_min, "Seconds before the first retry, doubled after each (300)");
    cmd->add_option("--retry-max", serve.retry_max, "Longest wait between retries, seconds (4000)");
    cmd->add_option("--max-queue-age", serve.max_age, "Seconds before undeliverable mail bounces (432000)");
    cmd->add_option("--max-message", serve.max_message, "SIZE limit in bytes (33554432)");
    cmd->add_option("--max-recipients", serve.max_recipients, "Recipients per message (100)");
    cmd->add_option("--auth-failure-delay", serve.auth_failure_delay_ms,
                    "Milliseconds before answering the 3rd and later failed AUTH (2000)");
    cmd->add_option("--idle-timeout", serve.idle_timeout, "Seconds a client may stay silent (300; then 421)");
    cmd->add_option("--max-active", serve.max_active, "Messages delivered at once (20)");
    cmd->callback([&g] {
        setup(g);
        mail::mta::Config c;
        c.data_dir = g.data.empty() ? "./layer7-data" : g.data;
        for (const auto& d : serve.domains)
            c.domains.push_back(mail::lower_domain(d));
        auto usage = [&g](const std::string& message) {
            std::cerr << "layer7: " << message << "\n";
            g.status = exit_usage;
        };
        if (!serve.listen.empty()) {
            auto hp = parse_addr("--listen", serve.listen, true);
            if (!hp)
                return usage("bad --listen");
            c.listen = *hp;
        }
        if (serve.submission == "off")
            c.submission.reset();
        else if (!serve.submission.empty()) {
            auto hp = parse_addr("--submission", serve.submission, true);
            if (!hp)
                return usage("bad --submission");
            c.submission = *hp;
        }
        for (const auto& n : serve.trusted) {
            if (!mail::mta::valid_network(n))
                return usage("--trust wants ADDRESS or ADDRESS/LENGTH, got '" + n + "'");
            c.trusted_networks.push_back(n);
        }
        for (const auto& r : serve.routes) {
            auto route = mail::mta::parse_route(r);
            if (!route)
                return usage("--route wants DOMAIN=HOST:PORT, got '" + r + "'");
            c.routes.push_back(*route);
        }
        if (!serve.resolver.empty()) {
            auto hp = core::parse_host_port(serve.resolver, 53);
            if (!hp)
                return usage("--resolver wants IP[:PORT]");
            c.resolver = *hp;
        }
        if (serve.tls_cert.empty() != serve.tls_key.empty())
            return usage("--tls-cert and --tls-key go together");
        if (!serve.hostname.empty())
            c.hostname = serve.hostname;
        c.users_file = serve.users;
        c.mail_root = serve.maildir_root;
        c.queue_dir = serve.queue_dir;
        c.tls = !serve.no_tls;
        c.tls_cert = serve.tls_cert;
        c.tls_key = serve.tls_key;
        c.relay_tls = !serve.no_relay_tls;
        c.mx_port = static_cast<std::uint16_t>(serve.mx_port);
        c.retry.min_backoff = std::chrono::seconds(std::max(1, serve.retry_min));
        c.retry.max_backoff = std::chrono::seconds(std::max(serve.retry_min, serve.retry_max));
        c.retry.max_age = std::chrono::seconds(std::max(0, serve.max_age));
        c.max_message_bytes = static_cast<std::size_t>(std::max(1024ll, serve.max_message));
        c.max_recipients = static_cast<std::size_t>(std::max(1, serve.max_recipients));
        c.auth_failure_delay = std::chrono::milliseconds(std::max(0, serve.auth_failure_delay_ms));
        c.limits.idle_timeout = std::chrono::seconds(std::max(1, serve.idle_timeout));
        c.max_active = static_cast<std::size_t>(std::max(1, serve.max_active));
        std::vector<std::unique_ptr<core::Service>> services;
        // Alone: a mail system of its own (`layer7 up` shares one among the mail services).
        services.push_back(mail::mta::make_service(c, std::make_shared<mail::System>(c.users_path(), c.mail_path())));
        g.status = run_services(services, g.threads);
    });
}

}  // namespace layer7::cli
