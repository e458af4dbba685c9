// The [pop3] service: config section, the mail system's users and store, STLS certificate, listener.
#include <spdlog/spdlog.h>

#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "mail/pop3/server.hpp"

namespace layer7::mail::pop3 {

Config parse_config(core::Section s, const std::string& data_dir)
{
    Config c;
    core::parse_service_keys(s, c.enabled, c.listen, c.limits);
    mail::parse_access_config(s, c, data_dir);
    s.finish();
    return c;
}

namespace {

class Service final : public core::Service {
public:
    Service(const Config& config, std::shared_ptr<mail::System> system)
        : system_(std::move(system)), context_{config, {}, system_, nullptr}
    {
    }

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        const Config& c = context_.config;
        context_.tls = mail::start_access(c, "pop3");
        runtime.on_reload([system = system_] { system->reload(); });  // SIGHUP: the users file again
        context_.blocking = &runtime.blocking();
        context_.policy.tls_available = context_.tls != nullptr;
        context_.policy.plaintext_auth = c.plaintext_auth;
        context_.policy.max_auth_failures = c.max_auth_failures;
        context_.policy.auth_failure_delay = c.auth_failure_delay;
        context_.policy.check_credentials = [this](std::string_view login, std::string_view password) {
            return system_->login(login, password, context_.config.domain).has_value();
        };
        const std::string address = core::to_string(core::listen_tcp_or_throw(
            runtime, "pop3", c.listen,
            core::Admission(c.limits, "-ERR [SYS/TEMP] Too many connections from your address\r\n"),
            [this](core::TcpSocket socket) { return serve_connection(std::move(socket), context_); }));
        return {{"pop3", address,
                 // The demo user's password file, as the SMTP service writes it for the embedded world.
                 "layer7 mail fetch --pop3 " + address + " --user bob --password-file " + c.data_dir +
                     "/passwords/bob --keep -o ./Maildir"}};
    }

private:
    std::shared_ptr<mail::System> system_;
    ServerContext context_;
};

}  // namespace

std::unique_ptr<core::Service> make_service(const Config& config, std::shared_ptr<mail::System> system)
{
    return std::make_unique<Service>(config, std::move(system));
}

}  // namespace layer7::mail::pop3
