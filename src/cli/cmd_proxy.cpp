// `layer7 proxy serve`: the forward caching proxy (RFC 9111), or a reverse proxy with --origin.
#include <iostream>

#include "cli/common.hpp"
#include "http/message/target.hpp"
#include "http/proxy/service.hpp"

namespace layer7::cli {

namespace {

// "1048576", "512K", "64M", "2G" → bytes; nullopt for anything else.
std::optional<std::uint64_t> parse_size(const std::string& text)
{
    if (text.empty())
        return std::nullopt;
    std::size_t used = 0;
    std::uint64_t n = 0;
    try {
        n = std::stoull(text, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    const std::string unit = text.substr(used);
    if (unit.empty() || unit == "B")
        return n;
    if (unit == "K" || unit == "k" || unit == "KiB")
        return n << 10;
    if (unit == "M" || unit == "MiB")
        return n << 20;
    if (unit == "G" || unit == "GiB")
        return n << 30;
    return std::nullopt;
}

}  // namespace

void add_proxy_commands(CLI::App& app, Globals& g)
{
    auto* proxy_cmd = app.add_subcommand("proxy", "Caching HTTP proxy (forward, or reverse with --origin)");
    proxy_cmd->require_subcommand(1);
    struct Serve {
        std::string listen = "127.0.0.1:3128", cache_dir, cache_size = "256M", memory_size = "64M", origin;
        std::vector<std::uint16_t> connect_ports{443};
        unsigned upstream_timeout = 30, connect_timeout = 10;
    };
    static Serve a;
    auto* serve = proxy_cmd->add_subcommand("serve", "Serve as an HTTP proxy with a cache on disk");
    serve->add_option("--listen", a.listen, "ADDR (default 127.0.0.1:3128)");
    serve->add_option("--cache-dir", a.cache_dir, "Cache directory (default DATA/proxy-cache; 'none' = memory only)");
    serve->add_option("--cache-size", a.cache_size, "Cache size limit in bytes, or with K/M/G (default 256M)");
    serve->add_option("--memory-size", a.memory_size, "Hot entries kept in memory (default 64M)");
    serve->add_option("--origin", a.origin, "Reverse-proxy (accelerator) mode: forward every request to this URL");
    serve->add_option("--allow-connect", a.connect_ports, "Ports CONNECT may reach (default 443)")->delimiter(',');
    serve->add_option("--upstream-timeout", a.upstream_timeout,
                      "Seconds without a byte from the origin → 504 (default 30)");
    serve->add_option("--connect-timeout", a.connect_timeout, "Seconds to connect upstream (default 10)");
    serve->callback([&g] {
        setup(g);
        http::proxy::Config c;
        c.data_dir = g.data.empty() ? "./layer7-data" : g.data;
        auto listen = parse_addr("--listen", a.listen, true);
        auto size = parse_size(a.cache_size);
        auto memory = parse_size(a.memory_size);
        if (!listen || !size || !memory) {
            if (!size || !memory)
                std::cerr << "layer7: --cache-size and --memory-size want bytes, e.g. 1048576 or 64M\n";
            g.status = exit_usage;
            return;
        }
        if (!a.origin.empty()) {
            auto url = http::parse_url(a.origin);
            if (!url || (url->scheme != "http" && url->scheme != "https")) {
                std::cerr << "layer7: --origin wants http://host[:port] or https://host[:port], got '" << a.origin
                          << "'\n";
                g.status = exit_usage;
                return;
            }
        }
        c.listen = *listen;
        c.cache_dir = a.cache_dir;
        c.cache_size = *size;
        c.memory_size = *memory;
        c.origin = a.origin;
        c.connect_ports = a.connect_ports;
        c.upstream_timeout = std::chrono::seconds(a.upstream_timeout);
        c.connect_timeout = std::chrono::seconds(a.connect_timeout);
        std::vector<std::unique_ptr<core::Service>> services;
        services.push_back(http::proxy::make_service(c));
        g.status = run_services(services, g.threads);
    });
}

}  // namespace layer7::cli
