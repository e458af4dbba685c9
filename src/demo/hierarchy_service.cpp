// The [hierarchy] service: see hierarchy_service.hpp.
#include "demo/hierarchy_service.hpp"

#include <unistd.h>

#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/fs/beneath.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "dns/server/server.hpp"
#include "dns/server/zone_files.hpp"
#include "dns/transport/acl.hpp"

namespace layer7::demo {

HierarchyConfig parse_hierarchy_config(core::Section s, const std::string& data_dir)
{
    HierarchyConfig c;
    c.data_dir = data_dir;
    c.enabled = s.boolean("enabled", c.enabled);
    c.first_address = s.string("first_address", c.first_address);
    if (!hierarchy_addresses(c.first_address))
        s.error("first_address", "wants a loopback IPv4 address with room for " + std::to_string(hierarchy_size) +
                                     " servers after it, e.g. \"127.0.53.2\"");
    c.port = static_cast<std::uint16_t>(s.integer("port", c.port, 1, 65535));
    c.hosts.web = s.string("web", c.hosts.web);
    c.hosts.alice_mail = s.string("alice_mail", c.hosts.alice_mail);
    c.hosts.bob_mail = s.string("bob_mail", c.hosts.bob_mail);
    s.finish();
    return c;
}

std::optional<std::array<std::string, hierarchy_size>> hierarchy_addresses(const std::string& first)
{
    std::error_code ec;
    const auto start = asio::ip::make_address_v4(first, ec);
    if (ec || (start.to_uint() >> 24) != 127 || (start.to_uint() & 0xff) + hierarchy_size > 255)
        return std::nullopt;
    std::array<std::string, hierarchy_size> out;
    for (std::size_t i = 0; i < hierarchy_size; ++i)
        out[i] = asio::ip::address_v4(start.to_uint() + static_cast<std::uint32_t>(i)).to_string();
    return out;
}

namespace {

// Empty when UDP and TCP can both be bound at address:port right now; else why not. The runtime's
// listeners share ports (SO_REUSEPORT), so this plain bind is also what notices a second `up`.
std::string probe(const std::string& address, std::uint16_t port)
{
    asio::io_context io;
    const auto ip = asio::ip::make_address(address);
    std::error_code ec;
    asio::ip::udp::socket udp(io);
    udp.open(asio::ip::udp::v4(), ec);
    if (!ec)
        udp.bind({ip, port}, ec);
    if (!ec) {
        asio::ip::tcp::acceptor tcp(io);
        tcp.open(asio::ip::tcp::v4(), ec);
        if (!ec)
            tcp.bind({ip, port}, ec);
    }
    return ec ? ec.message() : "";
}

void write_file(const core::Root& dir, const std::string& name, const std::string& text)
{
    auto ec = dir.replace(name, [&](int fd) {
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
            if (n <= 0)
                return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    });
    if (ec)
        throw core::StartError("hierarchy: cannot write " + dir.path() + "/" + name + ": " + ec.message());
}

class Service final : public core::Service {
public:
    explicit Service(HierarchyConfig config) : config_(std::move(config)) {}

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        const auto addresses = *hierarchy_addresses(config_.first_address);
        const auto listen = config_.listen_first_address.empty() ? std::optional(addresses)
                                                                 : hierarchy_addresses(config_.listen_first_address);
        if (!listen)
            throw core::StartError("hierarchy: no room for the servers from " + config_.listen_first_address);
        for (const auto& address : *listen)
            if (auto why = probe(address, config_.port); !why.empty()) {
                spdlog::warn(
                    "hierarchy: cannot listen on {}:{} ({}); running without the DNS hierarchy "
                    "(port 53 needs root or CAP_NET_BIND_SERVICE)",
                    address, config_.port, why);
                return {};
            }
        const Hierarchy hierarchy = make_hierarchy(addresses, config_.hosts);
        const std::string dir = config_.data_dir + "/dns";
        const std::string hints_file = dir + "/root.hints";
        try {
            std::filesystem::create_directories(dir + "/hierarchy");
            core::Root zones_dir(dir + "/hierarchy"), dns_dir(dir);
            for (const auto& zone : hierarchy.zones)
                write_file(zones_dir, zone.file, zone.text);
            write_file(dns_dir, "root.hints", hierarchy.root_hints);
        } catch (const std::filesystem::filesystem_error& e) {
            throw core::StartError(std::string("hierarchy: ") + e.what());
        } catch (const std::system_error& e) {
            throw core::StartError(std::string("hierarchy: ") + e.what());
        }
        for (std::size_t i = 0; i < hierarchy_size; ++i)
            serve(runtime, (*listen)[i], dir + "/hierarchy/" + hierarchy.zones[i].file);
        if (config_.on_serving)
            config_.on_serving(hierarchy.root_hints);
        runtime.on_reload([this] { reload(); });
        spdlog::info("hierarchy: root, 3 TLD and 4 authoritative servers on {}-{} port {}", addresses.front(),
                     addresses.back(), config_.port);

        const std::string port = config_.port == 53 ? "" : " -p " + std::to_string(config_.port);
        return {
            {"dns-root", addresses[0] + ":" + std::to_string(config_.port),
             "layer7 dig www.hamburger.edu +trace --root-hints " + std::filesystem::absolute(hints_file).string()},
            {"dns-tld/auth", addresses[1] + "-" + addresses.back().substr(addresses.back().rfind('.') + 1),
             "dig @" + addresses[6] + port + " hamburger.edu MX"},
        };
    }

private:
    struct Node {
        std::string file;
        std::unique_ptr<dns::ZoneStore> zones;
        std::unique_ptr<dns::Server> server;
    };

    void serve(core::Runtime& runtime, const std::string& address, const std::string& file)
    {
        auto zones = dns::load_zones({file});
        if (!zones.ok())
            throw core::StartError("hierarchy: " + zones.error());
        auto& node = *nodes_.emplace_back(std::make_unique<Node>());
        node.file = file;
        node.zones = std::make_unique<dns::ZoneStore>(zones.value());
        dns::ServerOptions options;
        options.axfr_allow = dns::Acl({*dns::parse_prefix("127.0.0.0/8")});
        node.server = std::make_unique<dns::Server>(*node.zones, options);
        dns::Server* server = node.server.get();
        const core::HostPort where{address, config_.port};
        core::listen_udp_or_throw(runtime, "hierarchy", where,
                                  [server](asio::ip::udp::socket& socket) { return server->serve_udp(socket); });
        core::listen_tcp_or_throw(
            runtime, "hierarchy", where, 1000,
            [server](core::TcpSocket socket) { return server->serve_tcp(std::move(socket)); },
            core::FirstSpeaker::client);
    }

    // SIGHUP: each server re-reads its zone file (edited by hand since the start, say).
    void reload()
    {
        for (auto& node : nodes_) {
            auto zones = dns::load_zones({node->file});
            if (zones.ok())
                node->zones->set(std::move(zones).value());
            else
                spdlog::error("hierarchy: reload failed, keeping the loaded zone: {}", zones.error());
        }
    }

    HierarchyConfig config_;
    std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace

std::unique_ptr<core::Service> make_hierarchy_service(const HierarchyConfig& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::demo
