// `layer7 http serve`: the HTTP/1.1 origin server on a directory.
#include <iostream>

#include "cli/common.hpp"
#include "http/server/service.hpp"
#include "http/websocket/endpoint.hpp"

namespace layer7::cli {

void add_http_commands(CLI::App& app, Globals& g)
{
    auto* http_cmd = app.add_subcommand("http", "HTTP/1.1 origin server");
    http_cmd->require_subcommand(1);
    struct Serve {
        std::string root, listen = "127.0.0.1:8080", tls_listen, cert, key, access_log;
        bool writable = false;
    };
    static Serve a;
    auto* serve = http_cmd->add_subcommand("serve", "Serve the files under --root");
    serve->add_option("--root", a.root, "Document root")->required()->check(CLI::ExistingDirectory);
    serve->add_option("--listen", a.listen, "ADDR for plain HTTP (default 127.0.0.1:8080; '' for none)");
    serve->add_option("--tls-listen", a.tls_listen,
                      "ADDR for HTTPS (default 127.0.0.1:8443 when a certificate is given)");
    serve->add_option("--tls-cert", a.cert, "PEM certificate chain")->check(CLI::ExistingFile);
    serve->add_option("--tls-key", a.key, "PEM private key")->check(CLI::ExistingFile);
    serve->add_flag("--writable", a.writable, "Allow PUT and DELETE");
    serve->add_option("--access-log", a.access_log, "Combined-format access log: FILE, or - for stdout");
    serve->callback([&g] {
        setup(g);
        http::ServerConfig c;
        c.root = a.root;
        c.site.writable = a.writable;
        c.access_log = a.access_log;
        c.extra_handlers = http::websocket::extra_handlers();  // /ws/echo and /ws/chat with the built-ins
        c.data_dir = g.data.empty() ? "./layer7-data" : g.data;
        c.listen.reset();
        if (!a.listen.empty()) {
            c.listen = parse_addr("--listen", a.listen, true);
            if (!c.listen) {
                g.status = exit_usage;
                return;
            }
        }
        if (a.cert.empty() != a.key.empty()) {
            std::cerr << "layer7: --tls-cert and --tls-key go together\n";
            g.status = exit_usage;
            return;
        }
        c.tls_cert = a.cert;
        c.tls_key = a.key;
        if (!a.tls_listen.empty() || !a.cert.empty()) {
            c.tls_listen = parse_addr("--tls-listen", a.tls_listen.empty() ? "127.0.0.1:8443" : a.tls_listen, true);
            if (!c.tls_listen) {
                g.status = exit_usage;
                return;
            }
        }
        std::vector<std::unique_ptr<core::Service>> services;
        services.push_back(http::make_service(c));
        g.status = run_services(services, g.threads);
    });
}

}  // namespace layer7::cli
