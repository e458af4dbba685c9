// The [im] service: the index's listener and its shared directory.
#include <spdlog/spdlog.h>

#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "im/im.hpp"
#include "im/index_codec.hpp"
#include "im/server.hpp"

namespace layer7::im {

Config parse_config(core::Section section)
{
    Config c;
    core::parse_service_keys(section, c.enabled, c.listen, c.limits);
    c.max_users =
        static_cast<std::size_t>(section.integer("max_users", static_cast<std::int64_t>(c.max_users), 1, 10000000));
    c.policy.max_watch = static_cast<std::size_t>(
        section.integer("max_watch", static_cast<std::int64_t>(c.policy.max_watch), 1, 100000));
    if (c.limits.max_line < 128)
        section.error("limits", "max_line must be at least 128 (a REGISTER line)");
    section.finish();
    return c;
}

namespace {

class Service final : public core::Service {
public:
    explicit Service(Config config) : config_(std::move(config)), index_(config_) {}

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        const auto where = core::to_string(config_.listen);
        core::listen_tcp_or_throw(runtime, "im", config_.listen,
                                  core::Admission(config_.limits, reply(421, "too many connections")),
                                  [this](core::TcpSocket s, asio::ip::tcp::endpoint peer) {
                                      return serve_connection(std::move(s), peer, index_);
                                  });
        return {{"im", where, "layer7 im alice --server " + where + " --buddies bob"}};
    }

private:
    Config config_;
    Index index_;
};

}  // namespace

std::unique_ptr<core::Service> make_service(const Config& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::im
