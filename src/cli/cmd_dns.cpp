// `layer7 dns serve` (authoritative) and `layer7 dig` (a dig-like client with +trace).
#include <iostream>

#include "cli/common.hpp"
#include "demo/zones.hpp"
#include "dns/client/dig.hpp"
#include "dns/server/service.hpp"
#include "dns/transport/acl.hpp"

namespace layer7::cli {

namespace {

void add_dns_serve(CLI::App& dns_cmd, Globals& g)
{
    struct Serve {
        std::vector<std::string> zones, axfr_allow, acl;
        dns::DynamicSettings dynamic;
        std::string listen = "127.0.0.1:5300";
        double rrl = 0;
        unsigned slip = 2;
        bool embedded = false;
    };
    static Serve a;
    auto* serve = dns_cmd.add_subcommand("serve", "Authoritative server for the zones in --zone files");
    serve->add_option("--zone", a.zones, "Zone file (RFC 1035 master format), or ORIGIN=FILE; repeatable");
    serve->add_flag("--embedded", a.embedded,
                    "Also serve the textbook zones (networkutopia.com, crepes.fr, hamburger.edu)");
    serve->add_option("--listen", a.listen, "ADDR for UDP and TCP (default 127.0.0.1:5300)");
    serve->add_option("--axfr-allow", a.axfr_allow, "Address or prefix allowed to AXFR; repeatable");
    serve->add_option("--acl", a.acl, "Address or prefix allowed to query (default: everybody); repeatable");
    serve->add_option("--key", a.dynamic.keys,
                      "TSIG key [ALG:]NAME:BASE64 (nsupdate -y syntax; default hmac-sha256); repeatable");
    serve->add_option("--key-file", a.dynamic.key_files,
                      "TSIG keys from a BIND key file (tsig-keygen's output); repeatable");
    serve->add_option("--allow-update", a.dynamic.allow_update,
                      "'ORIGIN=KEY [NAME…] [TYPE…]': the zone takes RFC 2136 UPDATE signed with KEY; repeatable");
    serve->add_option("--notify", a.dynamic.notify,
                      "ADDR[:PORT] of a secondary told of every change (RFC 1996); repeatable");
    serve->add_option("--transfer-key", a.dynamic.transfer_key,
                      "KEY that must sign zone transfers (and signs our NOTIFYs)");
    serve->add_option("--secondary", a.dynamic.secondaries,
                      "ORIGIN=PRIMARY[:PORT]: serve the zone as a secondary of that primary (kept in "
                      "DATA/dns/secondary/); repeatable");
    serve->add_option("--primary-key", a.dynamic.primary_key,
                      "KEY that signs our SOA checks and transfer requests to primaries");
    serve->add_option("--rrl", a.rrl, "Responses per second per client /24 (/56); 0 = off");
    serve->add_option("--rrl-slip", a.slip, "With --rrl: every Nth dropped reply goes out truncated (0 = never)");
    serve->callback([&g] {
        setup(g);
        if (a.zones.empty() && !a.embedded && a.dynamic.secondaries.empty()) {
            std::cerr << "layer7: dns serve needs --zone FILE, --secondary ORIGIN=PRIMARY or --embedded\n";
            g.status = exit_usage;
            return;
        }
        dns::ServiceConfig c;
        auto hp = parse_addr("--listen", a.listen, true);
        if (!hp) {
            g.status = exit_usage;
            return;
        }
        c.listen = *hp;
        c.zones = a.zones;
        if (a.embedded)
            c.embedded_zones = demo::textbook_zones();
        for (auto* list : {&a.axfr_allow, &a.acl})
            for (auto& p : *list)
                if (!dns::parse_prefix(p)) {
                    std::cerr << "layer7: '" << p << "' is not an address or prefix\n";
                    g.status = exit_usage;
                    return;
                }
        c.axfr_allow = a.axfr_allow;
        c.acl = a.acl;
        c.rrl.responses_per_second = a.rrl;
        c.rrl.slip = a.slip;
        if (auto policy = dns::parse_dynamic(a.dynamic); !policy) {
            std::cerr << "layer7: " << policy.error() << "\n";
            g.status = exit_usage;
            return;
        }
        c.dynamic = a.dynamic;
        c.data_dir = g.data.empty() ? "./layer7-data" : g.data;
        std::vector<std::unique_ptr<core::Service>> services;
        services.push_back(dns::make_service(c));
        g.status = run_services(services, g.threads);
    });
}

void add_dig(CLI::App& app, Globals& g)
{
    struct Dig {
        std::vector<std::string> words;  // NAME, TYPE, @SERVER[:PORT], +options, in dig's free order
        std::string port, root_hints, reverse;
    };
    static Dig a;
    auto* dig = app.add_subcommand(
        "dig", "DNS lookup printed like dig: NAME [TYPE] [@SERVER[:PORT]] [-x ADDR] [+trace] [+tcp] [+norec]");
    dig->add_option("words", a.words,
                    "NAME TYPE @SERVER[:PORT] +trace +tcp +norec +noedns +bufsize=N +short +time=N +tries=N");
    dig->add_option("-p", a.port, "Server port (default 53)");
    dig->add_option("-x", a.reverse, "Reverse lookup: the PTR record of an IPv4 or IPv6 address");
    dig->add_option("--root-hints", a.root_hints, "Root hints for +trace (default /usr/share/dns/root.hints)");
    dig->callback([&g] {
        setup(g, "warn");
        std::vector<std::string> args = a.words;
        if (!a.port.empty())
            args.insert(args.end(), {"-p", a.port});
        if (!a.reverse.empty())
            args.insert(args.end(), {"-x", a.reverse});
        if (!a.root_hints.empty())
            args.insert(args.end(), {"--root-hints", a.root_hints});
        g.status = dns::run_dig(args, std::cout, std::cerr);
    });
}

}  // namespace

void add_dns_commands(CLI::App& app, Globals& g)
{
    auto* dns_cmd = app.add_subcommand("dns", "DNS: authoritative server and recursive resolver");
    dns_cmd->require_subcommand(1);
    add_dns_serve(*dns_cmd, g);
    add_dns_resolve_command(*dns_cmd, g);  // cmd_dns_resolve.cpp
    add_dig(app, g);
}

}  // namespace layer7::cli
