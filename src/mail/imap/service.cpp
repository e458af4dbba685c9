// The [imap] service: config section, the mail system's users and store, STARTTLS certificate, listener.
#include <spdlog/spdlog.h>

#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "mail/imap/server.hpp"

namespace layer7::mail::imap {

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
        context_.tls = mail::start_access(c, "imap");
        runtime.on_reload([system = system_] { system->reload(); });  // SIGHUP: the users file again
        context_.policy.tls_available = context_.tls != nullptr;
        context_.policy.plaintext_auth = c.plaintext_auth;
        context_.policy.max_auth_failures = c.max_auth_failures;
        context_.policy.auth_failure_delay = c.auth_failure_delay;
        context_.policy.limits.max_line = c.limits.max_line;
        context_.policy.limits.max_literal = c.limits.max_message;
        context_.policy.limits.max_command = c.limits.max_message + 64 * 1024;
        context_.policy.check_credentials = [this](std::string_view login, std::string_view password) {
            return system_->login(login, password, context_.config.domain).has_value();
        };
        const std::string address = core::to_string(core::listen_tcp_or_throw(
            runtime, "imap", c.listen, core::Admission(c.limits, "* BYE Too many connections from your address\r\n"),
            [this](core::TcpSocket socket) { return serve_connection(std::move(socket), context_); }));
        const auto colon = address.rfind(':');
        return {{"imap", address,
                 "python3 -c \"import imaplib; m=imaplib.IMAP4('" + address.substr(0, colon) + "'," +
                     address.substr(colon + 1) + "); m.login('bob', open('" + c.data_dir +
                     "/passwords/bob').read().strip()); print(m.select())\""}};
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

}  // namespace layer7::mail::imap
