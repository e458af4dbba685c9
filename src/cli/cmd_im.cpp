// `layer7 im serve | layer7 im NAME --server ADDR`: the hybrid instant messenger's index and client.
#include <iostream>

#include "cli/common.hpp"
#include "im/im.hpp"
#include "im/index_codec.hpp"

namespace layer7::cli {

void add_im_commands(CLI::App& app, Globals& g)
{
    struct Args {
        std::string name, server = "127.0.0.1:5222", listen, buddies;
        int timeout = 10;
    };
    static Args a;
    auto* im_cmd =
        app.add_subcommand("im", "Hybrid instant messaging: the presence index and a peer-to-peer chat client");
    im_cmd->require_subcommand(0, 1);
    im_cmd->add_option("NAME", a.name, "the name to register (1-32 of a-z 0-9 . _ -)");
    im_cmd->add_option("--server", a.server, "ADDR of the index (default 127.0.0.1:5222)");
    im_cmd->add_option("--buddies", a.buddies, "names to watch, comma-separated: their presence is shown");
    im_cmd->add_option("--listen", a.listen, "ADDR of our own peer port (default 127.0.0.1:0, any free port)");
    im_cmd->add_option("--timeout", a.timeout, "seconds for connecting to the index or a buddy")
        ->check(CLI::Range(1, 600));

    struct Serve {
        std::string listen;
    };
    static Serve serve;
    auto* serve_cmd = im_cmd->add_subcommand("serve", "Run the index: who is online and where; it relays no chat");
    serve_cmd->add_option("--listen", serve.listen, "ADDR (default 127.0.0.1:5222)");
    serve_cmd->callback([&g] {
        setup(g);
        im::Config config;
        if (!serve.listen.empty()) {
            auto hp = parse_addr("--listen", serve.listen, true);
            if (!hp) {
                g.status = exit_usage;
                return;
            }
            config.listen = *hp;
        }
        std::vector<std::unique_ptr<core::Service>> services;
        services.push_back(im::make_service(config));
        g.status = run_services(services, g.threads);
    });

    im_cmd->callback([&g, serve_cmd] {
        if (serve_cmd->parsed())
            return;
        if (a.name.empty()) {
            std::cerr << "layer7 im: NAME or serve is required (layer7 im --help)\n";
            g.status = exit_usage;
            return;
        }
        im::ClientOptions o;
        auto name = im::canonical_name(a.name);
        if (!name) {
            std::cerr << "layer7 im: bad NAME " << a.name
                      << ": 1-32 of a-z 0-9 . _ -, starting with a letter or digit\n";
            g.status = exit_usage;
            return;
        }
        o.name = *name;
        auto server = parse_addr("--server", a.server, false);
        if (!server) {
            g.status = exit_usage;
            return;
        }
        o.server = *server;
        if (!a.listen.empty()) {
            auto hp = parse_addr("--listen", a.listen, true);
            if (!hp) {
                g.status = exit_usage;
                return;
            }
            o.listen = *hp;
        }
        for (std::size_t start = 0; start < a.buddies.size();) {
            auto comma = a.buddies.find(',', start);
            if (comma == std::string::npos)
                comma = a.buddies.size();
            const std::string item = a.buddies.substr(start, comma - start);
            start = comma + 1;
            if (item.empty())
                continue;
            auto buddy = im::canonical_name(item);
            if (!buddy) {
                std::cerr << "layer7 im: bad buddy name " << item << "\n";
                g.status = exit_usage;
                return;
            }
            o.buddies.push_back(*buddy);
        }
        o.timeout = std::chrono::seconds(a.timeout);
        setup(g, "warn");
        g.status = im::run_client(o);
    });
}

}  // namespace layer7::cli
