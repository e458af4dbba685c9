// The [proxy] service: see service.hpp.
#include "http/proxy/service.hpp"

#include <spdlog/spdlog.h>

#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "http/client/redirect.hpp"
#include "http/proxy/handler.hpp"
#include "http/server/connection.hpp"

namespace layer7::http::proxy {

Config parse_config(core::Section s, const std::string& data_dir)
{
    Config c;
    c.data_dir = data_dir;
    core::parse_service_keys(s, c.enabled, c.listen, c.limits);
    c.cache_dir = s.string("cache_dir", c.cache_dir);
    c.cache_size = static_cast<std::uint64_t>(
        s.integer("cache_size", static_cast<std::int64_t>(c.cache_size), 0, std::int64_t(1) << 50));
    c.memory_size = static_cast<std::uint64_t>(
        s.integer("memory_size", static_cast<std::int64_t>(c.memory_size), 0, std::int64_t(1) << 40));
    c.max_object = static_cast<std::uint64_t>(
        s.integer("max_object", static_cast<std::int64_t>(c.max_object), 0, std::int64_t(1) << 40));
    c.origin = s.string("origin", c.origin);
    c.store_set_cookie = s.boolean("store_set_cookie", c.store_set_cookie);
    c.h2 = s.boolean("h2", c.h2);
    if (!c.origin.empty()) {
        auto url = parse_url(c.origin);
        if (!url || (url->scheme != "http" && url->scheme != "https"))
            s.error("origin", "expected http://host[:port] or https://host[:port]");
    }
    std::vector<std::string> ports;
    for (auto p : c.connect_ports)
        ports.push_back(std::to_string(p));
    c.connect_ports.clear();
    for (const auto& p : s.strings("connect_ports", ports)) {
        char* end = nullptr;
        const long v = std::strtol(p.c_str(), &end, 10);
        if (p.empty() || *end != '\0' || v < 1 || v > 65535)
            s.error("connect_ports", "'" + p + "' is not a port");
        else
            c.connect_ports.push_back(static_cast<std::uint16_t>(v));
    }
    c.connect_timeout = s.seconds("connect_timeout", c.connect_timeout);
    c.upstream_timeout = s.seconds("upstream_timeout", c.upstream_timeout);
    c.header_timeout = s.seconds("header_timeout", c.header_timeout);
    if (const std::string resolver = s.string("resolver", ""); !resolver.empty()) {
        c.resolver = core::parse_host_port(resolver, 53);
        if (!c.resolver || !core::udp_endpoint(*c.resolver))
            s.error("resolver", "wants IP or IP:PORT of a DNS resolver, e.g. \"127.0.0.1:5335\"");
    }
    s.finish();
    return c;
}

namespace {

class Service final : public core::Service {
public:
    explicit Service(Config config) : config_(std::move(config)) {}

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        std::string where = core::to_string(config_.listen);
        Options o;
        if (!config_.origin.empty()) {
            o.origin = parse_url(config_.origin);
            if (!o.origin)
                throw core::StartError("proxy: bad origin URL " + config_.origin);
            o.origin->path_and_query.clear();
        }
        o.via_name = where;
        o.connect_ports = config_.connect_ports;
        o.connect_timeout = config_.connect_timeout;
        o.upstream_timeout = config_.upstream_timeout;
        o.max_body = std::max<std::uint64_t>(config_.limits.max_message, config_.max_object);  // both ways alike
        o.max_object = config_.max_object;
        o.cache_max_bytes = config_.cache_size;
        o.policy.store_set_cookie = config_.store_set_cookie;
        o.names = config_.names;
        o.blocking = &runtime.blocking();
        cache::StoreOptions so;
        so.dir = config_.cache_dir.empty() ? config_.data_dir + "/proxy-cache" : config_.cache_dir;
        if (so.dir == "none")
            so.dir.clear();
        so.max_bytes = config_.cache_size;
        so.max_memory = config_.memory_size;
        so.limits.max_body = config_.max_object;
        try {
            store_ = std::make_unique<cache::Store>(so);
        } catch (const std::exception& e) {
            throw core::StartError("proxy: cache directory " + so.dir + ": " + e.what());
        }
        if (auto loaded = store_->stats().loaded)
            spdlog::info("proxy: {} cached entries found in {}", loaded, so.dir);
        proxy_ = std::make_unique<Proxy>(std::move(o), *store_);
        handler_ = std::make_unique<ProxyHandler>(*proxy_, config_.limits.idle_timeout);
        options_.limits = config_.limits;
        options_.header_timeout = config_.header_timeout;
        options_.h2c = config_.h2;
        options_.blocking = &runtime.blocking();

        where = core::to_string(core::listen_tcp_or_throw(
            runtime, "proxy", config_.listen, core::Admission(config_.limits, http::busy_reply),
            [this](core::TcpSocket s, asio::ip::tcp::endpoint peer) { return serve(std::move(s), peer); },
            core::FirstSpeaker::client));
        if (proxy_->options().origin)
            return {{"proxy (reverse)", where,
                     "curl -v http://" + where + "/  (→ " + client::to_string(*proxy_->options().origin) + ")"}};
        return {{"proxy", where, "curl -x http://" + where + " -v http://127.0.0.1:8080/"}};
    }

private:
    core::awaitable<void> serve(core::TcpSocket socket, asio::ip::tcp::endpoint peer)
    {
        core::Stream stream(std::move(socket), core::Role::server, peer);
        stream.set_timeout(config_.header_timeout);
        co_await serve_h1(stream, *handler_, options_);
        co_await stream.shutdown();
    }

    Config config_;
    std::unique_ptr<cache::Store> store_;
    std::unique_ptr<Proxy> proxy_;
    std::unique_ptr<ProxyHandler> handler_;
    ConnectionOptions options_;
};

}  // namespace

std::unique_ptr<core::Service> make_service(const Config& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::http::proxy
