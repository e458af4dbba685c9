// The [dns] service: see service.hpp.
#include "dns/server/service.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "dns/server/control.hpp"
#include "dns/server/zone_keeper.hpp"
#include "dns/server/server.hpp"
#include "dns/server/zone_files.hpp"
#include "dns/transport/acl.hpp"

namespace layer7::dns {

ServiceConfig parse_config(core::Section s, const std::string& data_dir, const std::vector<EmbeddedZone>& fallback)
{
    ServiceConfig c;
    c.data_dir = data_dir;
    core::parse_service_keys(s, c.enabled, c.listen, c.limits);
    c.zones = s.strings("zones", c.zones);
    auto& d = c.dynamic;
    d.keys = s.strings("keys", d.keys);
    d.key_files = s.strings("key_files", d.key_files);
    for (const auto& file : d.key_files)
        s.require_readable_file("key_files", file);
    d.allow_update = s.strings("allow_update", d.allow_update);
    d.notify = s.strings("notify", d.notify);
    d.secondaries = s.strings("secondary", d.secondaries);
    d.transfer_key = s.string("transfer_key", d.transfer_key);
    d.primary_key = s.string("primary_key", d.primary_key);
    if (auto policy = parse_dynamic(d); !policy)
        s.error(policy.error().substr(0, policy.error().find(':')), policy.error());
    if (c.zones.empty() && d.secondaries.empty())
        c.embedded_zones = fallback;
    for (const auto& zone : c.zones)
        s.require_readable_file("zones", zone);
    c.acl = s.strings("acl", c.acl);
    c.axfr_allow = s.strings("axfr_allow", c.axfr_allow);
    for (auto* list : {&c.acl, &c.axfr_allow})
        for (auto& p : *list)
            if (!parse_prefix(p))
                s.error(list == &c.acl ? "acl" : "axfr_allow", "'" + p + "' is not an address or prefix");
    core::Section rrl = s.section("rrl");
    c.rrl.responses_per_second = static_cast<double>(rrl.integer("responses_per_second", 0, 0, 1'000'000));
    c.rrl.burst = static_cast<double>(rrl.integer("burst", 0, 0, 1'000'000));
    c.rrl.slip = static_cast<unsigned>(rrl.integer("slip", c.rrl.slip, 0, 100));
    c.rrl.ipv4_prefix = static_cast<unsigned>(rrl.integer("ipv4_prefix", c.rrl.ipv4_prefix, 8, 32));
    c.rrl.ipv6_prefix = static_cast<unsigned>(rrl.integer("ipv6_prefix", c.rrl.ipv6_prefix, 16, 128));
    rrl.finish();
    s.finish();
    return c;
}

namespace {

Acl make_acl(const std::vector<std::string>& texts)
{
    std::vector<Prefix> prefixes;
    for (auto& t : texts)
        if (auto p = parse_prefix(t))
            prefixes.push_back(*p);
    return Acl(std::move(prefixes));
}

std::string secondary_file(const std::string& data_dir, const Name& origin)
{
    std::string name = origin.to_text();
    if (name.size() > 1)
        name.pop_back();  // "example.test." → example.test.zone
    return data_dir + "/dns/secondary/" + name + ".zone";
}

class Service final : public core::Service {
public:
    explicit Service(ServiceConfig config) : config_(std::move(config)) {}

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        auto loaded = load_zone_files(config_.zones, config_.embedded_zones);
        if (!loaded.ok())
            throw core::StartError("dns: " + loaded.error());
        auto policy = parse_dynamic(config_.dynamic);
        if (!policy.ok())
            throw core::StartError("dns: " + policy.error());
        policy_ = std::move(policy).value();
        const auto zones = loaded.value().zones;
        store_ = std::make_unique<ZoneStore>(zones);

        KeeperOptions keeping;
        keeping.zone_specs = config_.zones;
        keeping.embedded_zones = config_.embedded_zones;
        keeping.notify = policy_.notify;
        keeping.transfer_key = policy_.transfer_key ? policy_.key(*policy_.transfer_key) : nullptr;
        keeping.primary_key = policy_.primary_key ? policy_.key(*policy_.primary_key) : nullptr;
        for (const auto& [origin, primary] : policy_.secondaries) {
            const std::string file = secondary_file(config_.data_dir, origin);
            std::error_code ec;
            std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
            if (ec)
                throw core::StartError("dns: cannot create " + std::filesystem::path(file).parent_path().string() +
                                       ": " + ec.message());
            keeping.secondaries.push_back({origin, primary, file});
        }
        keeper_ = std::make_unique<ZoneKeeper>(*store_, std::move(loaded).value().files, std::move(keeping));
        ControlOptions controlling;
        controlling.keys = policy_.keys;
        controlling.grants = policy_.grants;
        controlling.transfer_acl = make_acl(config_.axfr_allow);
        controlling.transfer_key = policy_.transfer_key;
        for (const auto& [origin, grants] : policy_.grants)
            if (!keeper_->is_primary(origin))
                throw core::StartError("dns: allow_update: " + origin.to_text() + " is not a zone read from a file");
        control_ = std::make_unique<Control>(*store_, *keeper_, std::move(controlling));

        ServerOptions options;
        options.query_acl = make_acl(config_.acl);
        options.axfr_allow = make_acl(config_.axfr_allow);
        options.rrl = config_.rrl;
        options.tcp_idle = config_.limits.idle_timeout;
        options.control = control_.get();
        server_ = std::make_unique<Server>(*store_, options);

        std::vector<core::ServiceRow> rows;
        const auto where = core::to_string(config_.listen);
        std::string first_zone = "crepes.fr.";
        if (!zones->zones().empty() && config_.embedded_zones.empty())
            first_zone = zones->zones().begin()->first.to_text();
        else if (!policy_.secondaries.empty())
            first_zone = policy_.secondaries.front().first.to_text();
        const std::string dig =
            "dig @" + config_.listen.host + " -p " + std::to_string(config_.listen.port) + " " + first_zone + " SOA";
        if (config_.udp) {
            core::listen_udp_on_threads_or_throw(
                runtime, "dns", config_.listen,
                [this](int fd, const std::atomic<bool>& stopping) { server_->serve_udp_on_thread(fd, stopping); },
                "udp", /*spread_by_first_word=*/true);
            rows.push_back({"dns/udp", where, dig});
        }
        if (config_.tcp) {
            core::listen_tcp_or_throw(
                runtime, "dns", config_.listen, core::Admission(config_.limits),
                [this](core::TcpSocket s) { return server_->serve_tcp(std::move(s)); }, core::FirstSpeaker::client,
                "tcp");
            rows.push_back({"dns/tcp", where, dig + " +tcp"});
        }
        spdlog::info("dns: serving {} zone{}", zones->zones().size(), zones->zones().size() == 1 ? "" : "s");
        keeper_->start();
        runtime.on_reload([this] { reload(); });
        return rows;
    }

private:
    // SIGHUP: zone files whose serial went up replace their zones (journaled and NOTIFYed); a file
    // that does not load leaves every zone as it is, and the error is logged.
    void reload()
    {
        if (!keeper_->reload())
            return;
        const auto count = store_->get()->zones().size();
        spdlog::info("dns: reloaded {} zone{}", count, count == 1 ? "" : "s");
    }

    ServiceConfig config_;
    DynamicPolicy policy_;  // its keys outlive the keeper and the control, which point at them
    std::unique_ptr<ZoneStore> store_;
    std::unique_ptr<ZoneKeeper> keeper_;
    std::unique_ptr<Control> control_;
    std::unique_ptr<Server> server_;
};

}  // namespace

std::unique_ptr<core::Service> make_service(const ServiceConfig& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::dns
