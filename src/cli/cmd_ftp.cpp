// `layer7 ftp serve|ls|get|put|rm`: the FTP server on a directory and the client (DESIGN.md §4).
#include <unistd.h>

#include <iostream>

#include "cli/common.hpp"
#include "ftp/ftp.hpp"

namespace layer7::cli {

void add_ftp_commands(CLI::App& app, Globals& g)
{
    auto* ftp_cmd = app.add_subcommand("ftp", "FTP server and client (RFC 959, FTPS per RFC 4217)");
    ftp_cmd->require_subcommand(1);

    struct Serve {
        std::string root, listen = "127.0.0.1:2121", users, pasv_ports, pasv_address, cert, key;
        bool anonymous = false;
    };
    static Serve a;
    auto* serve = ftp_cmd->add_subcommand("serve", "Serve the tree under --root");
    serve->add_option("--root", a.root, "The directory every login sees (unless the users file gives a root)")
        ->required()
        ->check(CLI::ExistingDirectory);
    serve->add_option("--listen", a.listen, "ADDR (default 127.0.0.1:2121)");
    serve->add_flag("--anonymous", a.anonymous, "Allow read-only anonymous login");
    serve->add_option("--users", a.users, "Users file (name:hash[:root=DIR,write=yes])")->check(CLI::ExistingFile);
    serve->add_option("--pasv-ports", a.pasv_ports, "Passive data ports, LOW-HIGH");
    serve->add_option("--pasv-address", a.pasv_address, "IPv4 address to advertise in PASV replies (NAT)");
    serve->add_option("--tls-cert", a.cert, "PEM certificate chain for AUTH TLS")->check(CLI::ExistingFile);
    serve->add_option("--tls-key", a.key, "PEM private key")->check(CLI::ExistingFile);
    serve->callback([&g] {
        setup(g);
        ftp::Config c;
        c.root = a.root;
        c.anonymous = a.anonymous;
        c.users_file = a.users;
        c.data_dir = g.data.empty() ? "./layer7-data" : g.data;
        auto hp = parse_addr("--listen", a.listen, true);
        if (!hp) {
            g.status = exit_usage;
            return;
        }
        c.listen = *hp;
        if (!a.pasv_ports.empty() && !ftp::parse_port_range(a.pasv_ports, c.pasv_min, c.pasv_max)) {
            std::cerr << "layer7: --pasv-ports wants LOW-HIGH, got '" << a.pasv_ports << "'\n";
            g.status = exit_usage;
            return;
        }
        c.pasv_address = a.pasv_address;
        if (a.cert.empty() != a.key.empty()) {
            std::cerr << "layer7: --tls-cert and --tls-key go together\n";
            g.status = exit_usage;
            return;
        }
        c.tls_cert = a.cert;
        c.tls_key = a.key;
        if (!a.anonymous && a.users.empty())
            std::cerr << "layer7: warning: neither --anonymous nor --users: nobody can log in\n";
        std::vector<std::unique_ptr<core::Service>> services;
        services.push_back(ftp::make_service(c));
        g.status = run_services(services, g.threads);
    });

    struct Client {
        std::string url, file;
        bool active = false, resume = false;
        int timeout = 30;
    };
    static Client c;
    auto client = [&g](const char* verb) {
        return [&g, verb] {
            setup(g, "warn");
            auto url = ftp::parse_url(c.url);
            if (!url) {
                std::cerr << "layer7: expected ftp://[user[:password]@]host[:port]/path, got '" << c.url << "'\n";
                g.status = exit_usage;
                return;
            }
            ftp::ClientOptions options;
            options.active = c.active;
            options.resume = c.resume;
            options.progress = ::isatty(STDERR_FILENO) != 0;
            options.timeout = std::chrono::seconds(c.timeout);
            const std::string v = verb;
            if (v == "put" && c.file.empty()) {
                std::cerr << "layer7: ftp put needs the local FILE to upload\n";
                g.status = exit_usage;
                return;
            }
            g.status = v == "ls"    ? ftp::client_ls(*url, options)
                       : v == "get" ? ftp::client_get(*url, c.file, options)
                       : v == "put" ? ftp::client_put(*url, c.file, options)
                                    : ftp::client_rm(*url, options);
        };
    };
    const std::pair<const char*, const char*> verbs[] = {
        {"ls", "List a directory"},
        {"get", "Download a file (FILE is replaced only once the whole file arrived)"},
        {"put", "Upload FILE to the URL (a directory URL keeps FILE's name)"},
        {"rm", "Delete a file (a URL ending in / removes a directory)"},
    };
    for (auto [verb, help] : verbs) {
        auto* cmd = ftp_cmd->add_subcommand(verb, help);
        cmd->add_option("URL", c.url, "ftp://[user[:password]@]host[:port]/path")->required();
        if (std::string(verb) == "get" || std::string(verb) == "put")
            cmd->add_option(
                "FILE", c.file,
                std::string(verb) == "get" ? "local file (default: the URL's name)" : "local file to upload");
        if (std::string(verb) == "get")
            cmd->add_flag("-C,--continue", c.resume,
                          "Resume into FILE when it is an earlier part of the same remote file (size and time)");
        cmd->add_flag("--active", c.active, "Active mode: the server connects back (PORT/EPRT)");
        cmd->add_option("--timeout", c.timeout, "Seconds a connection may stay idle (default 30)");
        cmd->callback(client(verb));
    }
}

}  // namespace layer7::cli
