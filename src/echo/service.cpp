// Echo service: [echo] config section and listeners.
#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "echo/echo.hpp"

namespace layer7::echo {

Config parse_config(core::Section section)
{
    Config c;
    core::parse_service_keys(section, c.enabled, c.listen, c.limits);
    c.tcp = section.boolean("tcp", c.tcp);
    c.udp = section.boolean("udp", c.udp);
    section.finish();
    return c;
}

namespace {
class Service final : public core::Service {
public:
    explicit Service(Config config) : config_(std::move(config)) {}

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        std::vector<core::ServiceRow> rows;
        const auto where = core::to_string(config_.listen);
        if (config_.tcp) {
            core::listen_tcp_or_throw(
                runtime, "echo", config_.listen, core::Admission(config_.limits),
                [this](core::TcpSocket s) { return serve_connection(std::move(s), config_); },
                core::FirstSpeaker::server, "tcp");
            rows.push_back({"echo/tcp", where, "layer7 echo send " + where + " hello"});
        }
        if (config_.udp) {
            core::listen_udp_or_throw(
                runtime, "echo", config_.listen, [](asio::ip::udp::socket& s) { return serve_udp(s); }, "udp");
            rows.push_back({"echo/udp", where, "layer7 echo send --udp " + where + " hello"});
        }
        return rows;
    }

private:
    Config config_;
};
}  // namespace

std::unique_ptr<core::Service> make_service(const Config& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::echo
