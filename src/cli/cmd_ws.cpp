// `layer7 ws URL`: the interactive WebSocket client (DESIGN.md §4).
#include "cli/common.hpp"
#include "http/websocket/client.hpp"

namespace layer7::cli {

void add_ws_commands(CLI::App& app, Globals& g)
{
    static http::websocket::ClientOptions options;
    static bool no_deflate = false;
    auto* ws = app.add_subcommand("ws", "WebSocket client: stdin lines out as messages, messages printed");
    ws->add_option("URL", options.url, "ws://host[:port]/path or wss://…")->required();
    ws->add_flag("--binary", options.binary, "Send lines as binary messages");
    ws->add_flag("--no-deflate", no_deflate, "Do not offer permessage-deflate");
    ws->add_option("--cacert", options.cacert, "wss: trust the CA certificates in this PEM file");
    ws->add_flag("-k,--insecure", options.insecure, "wss: do not verify the server's certificate");
    ws->callback([&g] {
        setup(g, "warn");
        options.deflate = !no_deflate;
        g.status = http::websocket::run_client(options);
    });
}

}  // namespace layer7::cli
