// The [dns] service: see service.hpp.
#include "dns/server/service.hpp"

#include <spdlog/spdlog.h>

#include "core/net/resolve.hpp"
#include "core/runtime/runtime.hpp"
#include "dns/server/acl.hpp"
#include "dns/server/server.hpp"
#include "dns/server/zone_files.hpp"

namespace layer7::dns {

ServiceConfig parse_config(core::Section s)
{
    ServiceConfig c;
    c.enabled = s.boolean("enabled", c.enabled);
    c.listen = s.address("listen", c.listen);
    if (!core::udp_endpoint(c.listen))
        s.error("listen", "the address must be an IP literal or localhost");
    c.zones = s.strings("zones", c.zones);
    c.embedded_zones = c.zones.empty();
    for (const auto& zone : c.zones)
        s.require_readable_file("zones", zone);
    c.acl = s.strings("acl", c.acl);
    c.axfr_allow = s.strings("axfr_allow", c.axfr_allow);
    for (auto *list : {&c.acl, &c.axfr_allow})
        for (auto &p : *list)
            if (!parse_prefix(p))
                s.error(list == &c.acl ? "acl" : "axfr_allow", "'" + p + "' is not an address or prefix");
    core::Section rrl = s.section("rrl");
    c.rrl.responses_per_second = static_cast<double>(rrl.integer("responses_per_second", 0, 0, 1'000'000));
    c.rrl.burst = static_cast<double>(rrl.integer("burst", 0, 0, 1'000'000));
    c.rrl.slip = static_cast<unsigned>(rrl.integer("slip", c.rrl.slip, 0, 100));
    c.rrl.ipv4_prefix = static_cast<unsigned>(rrl.integer("ipv4_prefix", c.rrl.ipv4_prefix, 8, 32));
    c.rrl.ipv6_prefix = static_cast<unsigned>(rrl.integer("ipv6_prefix", c.rrl.ipv6_prefix, 16, 128));
    rrl.finish();
    c.limits = s.limits(c.limits);
    s.finish();
    return c;
}

namespace {

Acl make_acl(const std::vector<std::string> &texts)
{
    std::vector<Prefix> prefixes;
    for (auto &t : texts)
        if (auto p = parse_prefix(t))
            prefixes.push_back(*p);
    return Acl(std::move(prefixes));
}

class Service final : public core::Service {
public:
    explicit Service(ServiceConfig config) : config_(std::move(config)) {}

    std::vector<core::ServiceRow> start(core::Runtime &runtime) override
    {
        auto zones = load_zones(config_.zones, config_.embedded_zones);
        if (!zones.ok())
            throw core::StartError("dns: " + zones.error());
        store_ = std::make_unique<ZoneStore>(zones.value());
        ServerOptions options;
        options.query_acl = make_acl(config_.acl);
        options.axfr_allow = make_acl(config_.axfr_allow);
        options.rrl = config_.rrl;
        options.tcp_idle = config_.limits.idle_timeout;
        server_ = std::make_unique<Server>(*store_, options);

        std::vector<core::ServiceRow> rows;
        const auto where = core::to_string(config_.listen);
        std::string first_zone = "crepes.fr.";
        if (!zones.value()->zones().empty() && !config_.embedded_zones)
            first_zone = zones.value()->zones().begin()->first.to_text();
        const std::string dig = "dig @" + config_.listen.host + " -p " + std::to_string(config_.listen.port) + " " +
                                first_zone + " SOA";
        if (config_.udp) {
            auto [ec, bound] = runtime.listen_udp(*core::udp_endpoint(config_.listen),
                                                  [this](asio::ip::udp::socket &s) { return server_->serve_udp(s); });
            if (ec)
                throw core::StartError("dns: cannot listen on " + where + " (udp): " + ec.message());
            rows.push_back({"dns/udp", where, dig});
        }
        if (config_.tcp) {
            auto [ec, bound] =
                runtime.listen_tcp(*core::tcp_endpoint(config_.listen), core::Admission(config_.limits),
                                   [this](asio::ip::tcp::socket s) { return server_->serve_tcp(std::move(s)); },
                                   core::FirstSpeaker::client);
            if (ec)
                throw core::StartError("dns: cannot listen on " + where + " (tcp): " + ec.message());
            rows.push_back({"dns/tcp", where, dig + " +tcp"});
        }
        spdlog::info("dns: serving {} zone{}", zones.value()->zones().size(),
                     zones.value()->zones().size() == 1 ? "" : "s");
        runtime.on_reload([this] { reload(); });
        return rows;
    }

private:
    // SIGHUP: a new set only if every zone loads; otherwise the old one stays and the error is logged.
    void reload()
    {
        auto zones = load_zones(config_.zones, config_.embedded_zones);
        if (!zones.ok()) {
            spdlog::error("dns: reload failed, keeping the loaded zones: {}", zones.error());
            return;
        }
        const auto count = zones.value()->zones().size();
        store_->set(std::move(zones).value());
        spdlog::info("dns: reloaded {} zone{}", count, count == 1 ? "" : "s");
    }

    ServiceConfig config_;
    std::unique_ptr<ZoneStore> store_;
    std::unique_ptr<Server> server_;
};

}  // namespace

std::unique_ptr<core::Service> make_service(const ServiceConfig &config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::dns
