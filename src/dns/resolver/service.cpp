// [resolver] config section and the service that opens its listeners.
#include <spdlog/spdlog.h>

#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "dns/resolver/resolver_handler.hpp"
#include "dns/resolver/root_hints.hpp"
#include "dns/resolver/service.hpp"
#include "dns/transport/shell.hpp"

namespace layer7::dns::resolver {

ResolverConfig parse_resolver_config(core::Section section)
{
    ResolverConfig c;
    core::parse_service_keys(section, c.enabled, c.listen, c.limits);
    c.tcp = section.boolean("tcp", c.tcp);
    c.root_hints = section.string("root_hints", c.root_hints);
    c.use_hierarchy = section.boolean("hierarchy", c.use_hierarchy);
    c.allow = section.strings("allow", c.allow);
    for (const auto& p : c.allow)
        if (!parse_prefix(p))
            section.error("allow", "'" + p + "' is not an address or prefix (e.g. 127.0.0.0/8)");
    auto& o = c.options;
    o.query_timeout =
        std::chrono::milliseconds(section.integer("query_timeout_ms", o.query_timeout.count(), 10, 60'000));
    o.total_timeout =
        std::chrono::milliseconds(section.integer("total_timeout_ms", o.total_timeout.count(), 10, 120'000));
    o.cache.max_entries = static_cast<std::size_t>(section.integer("cache_entries", 200'000, 16, 100'000'000));
    o.cache.max_ttl = static_cast<std::uint32_t>(section.integer("max_ttl", o.cache.max_ttl, 0, 0x7fffffff));
    o.cache.max_negative_ttl =
        static_cast<std::uint32_t>(section.integer("max_negative_ttl", o.cache.max_negative_ttl, 0, 0x7fffffff));
    o.iteration.limits.ipv6 = section.boolean("ipv6", false);
    c.max_in_flight = static_cast<std::size_t>(section.integer("max_in_flight", 10'000, 1, 1'000'000));
    for (auto stub : section.sections("stub")) {
        StubZone z;
        z.zone = stub.string("zone", "");
        z.servers = stub.strings("servers", {});
        if (z.zone.empty() || !Name::parse(z.zone + (z.zone.ends_with('.') ? "" : ".")))
            stub.error("zone", "a domain name is needed, e.g. \"networkutopia.com\"");
        if (z.servers.empty())
            stub.error("servers", "at least one \"IP:PORT\" is needed");
        for (const auto& s : z.servers)
            if (!ServerAddress::parse(s))
                stub.error("servers", "'" + s + "' is not IP, IP:PORT or [v6]:PORT");
        stub.finish();
        c.stubs.push_back(std::move(z));
    }
    section.finish();
    return c;
}

namespace {

class Service final : public core::Service {
public:
    explicit Service(ResolverConfig config) : config_(std::move(config)) {}

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        ResolverOptions options = config_.options;
        options.iteration.root.zone = Name::root();
        std::optional<std::string> private_root;
        if (config_.private_root)
            private_root = config_.private_root();
        if (private_root) {
            auto root = parse_root_hints(*private_root, "<hierarchy>", options.iteration.limits.ipv6);
            if (!root)
                throw core::StartError("resolver: the hierarchy's root hints: " + root.error());
            options.iteration.root = std::move(root).value();
            spdlog::info("resolver: iterating from the private root of [hierarchy]");
        } else if (auto text = core::read_text_file(config_.root_hints)) {
            auto root = parse_root_hints(*text, config_.root_hints, options.iteration.limits.ipv6);
            if (!root)
                throw core::StartError("resolver: " + root.error());
            options.iteration.root = std::move(root).value();
        } else if (config_.stubs.empty()) {
            throw core::StartError("resolver: cannot read root hints " + config_.root_hints +
                                   " (install dns-root-data, or give --root-hints FILE)");
        } else {
            spdlog::warn("resolver: no root hints at {}: only the stub zones will resolve", config_.root_hints);
        }
        for (const auto& stub : private_root ? std::vector<StubZone>{} : config_.stubs) {
            Delegation d{Name::parse(stub.zone + (stub.zone.ends_with('.') ? "" : ".")).value(), {}};
            for (const auto& s : stub.servers)
                d.servers.push_back(*ServerAddress::parse(s));
            options.iteration.stubs.push_back(std::move(d));
        }
        std::vector<Prefix> prefixes;
        for (const auto& p : config_.allow)
            prefixes.push_back(*parse_prefix(p));
        acl_ = Acl(std::move(prefixes));
        resolver_ = std::make_unique<IterativeResolver>(std::move(options));
        ShellOptions shell;
        shell.tcp_idle = config_.limits.idle_timeout;
        shell.max_waiting = config_.max_in_flight;
        shell_ = std::make_unique<Shell>(shell);
        tcp_handler_ = std::make_unique<ResolverHandler>(*resolver_, acl_, /*hold_replies=*/false);

        const auto where = core::to_string(config_.listen);
        std::vector<core::ServiceRow> rows;
        const auto bound = core::listen_udp_or_throw(
            runtime, "resolver", config_.listen,
            [this](asio::ip::udp::socket& s) {
                return shell_->serve_udp(s, std::make_shared<ResolverHandler>(*resolver_, acl_, /*hold_replies=*/true));
            },
            "udp");
        const std::string port = std::to_string(bound.port);
        const std::string host = config_.listen.host;
        rows.push_back({"dns-resolver/udp", where, "dig @" + host + " -p " + port + " www.hamburger.edu"});
        if (config_.tcp) {
            core::listen_tcp_or_throw(
                runtime, "resolver", config_.listen, core::Admission(config_.limits),
                [this](core::TcpSocket s) { return shell_->serve_tcp(std::move(s), *tcp_handler_); },
                core::FirstSpeaker::client, "tcp");
            rows.push_back({"dns-resolver/tcp", where, "dig +tcp @" + host + " -p " + port + " www.hamburger.edu"});
        }
        return rows;
    }

private:
    ResolverConfig config_;
    Acl acl_;
    std::unique_ptr<IterativeResolver> resolver_;
    std::unique_ptr<Shell> shell_;
    std::unique_ptr<ResolverHandler> tcp_handler_;
};

}  // namespace

std::unique_ptr<core::Service> make_resolver_service(const ResolverConfig& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::dns::resolver
