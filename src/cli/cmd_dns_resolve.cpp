// `layer7 dns resolve`: the recursive, caching resolver (issue 4), added under `layer7 dns`.
#include <iostream>

#include "cli/common.hpp"
#include "dns/resolver/service.hpp"

namespace layer7::cli {

void add_dns_resolve_command(CLI::App& dns_cmd, Globals& g)
{
    struct Resolve {
        std::string listen = "127.0.0.1:5335";
        std::string root_hints = "/usr/share/dns/root.hints";
        std::vector<std::string> allow, stubs;
        unsigned query_timeout_ms = 800;
    };
    static Resolve a;
    auto* cmd = dns_cmd.add_subcommand("resolve", "Recursive, caching resolver iterating from the root hints");
    cmd->add_option("--listen", a.listen, "ADDR for UDP and TCP (default 127.0.0.1:5335)");
    cmd->add_option("--root-hints", a.root_hints, "Root hints file (default /usr/share/dns/root.hints)");
    cmd->add_option("--allow", a.allow, "Client address or prefix allowed to query (default loopback); repeatable");
    cmd->add_option("--stub", a.stubs, "ZONE=ADDR[,ADDR…]: ask these servers for ZONE directly; repeatable");
    cmd->add_option("--query-timeout-ms", a.query_timeout_ms, "Wait for one upstream reply (default 800)");
    cmd->callback([&g] {
        setup(g);
        dns::resolver::ResolverConfig c;
        auto hp = parse_addr("--listen", a.listen, true);
        if (!hp) {
            g.status = exit_usage;
            return;
        }
        c.listen = *hp;
        c.root_hints = a.root_hints;
        c.options.query_timeout = std::chrono::milliseconds(a.query_timeout_ms);
        if (!a.allow.empty())
            c.allow = a.allow;
        for (const auto& p : c.allow)
            if (!dns::parse_prefix(p)) {
                std::cerr << "layer7: --allow: '" << p << "' is not an address or prefix\n";
                g.status = exit_usage;
                return;
            }
        for (const auto& s : a.stubs) {
            auto eq = s.find('=');
            dns::resolver::StubZone z;
            if (eq != std::string::npos) {
                z.zone = s.substr(0, eq);
                for (std::size_t pos = eq + 1; pos <= s.size();) {
                    auto comma = std::min(s.find(',', pos), s.size());
                    z.servers.push_back(s.substr(pos, comma - pos));
                    pos = comma + 1;
                }
            }
            bool ok = !z.zone.empty() && !z.servers.empty();
            for (const auto& addr : z.servers)
                ok = ok && dns::resolver::ServerAddress::parse(addr);
            if (!ok) {
                std::cerr << "layer7: --stub wants ZONE=IP[:PORT][,IP[:PORT]…], got '" << s << "'\n";
                g.status = exit_usage;
                return;
            }
            c.stubs.push_back(std::move(z));
        }
        std::vector<std::unique_ptr<core::Service>> services;
        services.push_back(dns::resolver::make_resolver_service(c));
        g.status = run_services(services, g.threads);
    });
}

}  // namespace layer7::cli
