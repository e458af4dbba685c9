// The [imap] service: config section, users and mail store, STARTTLS certificate, listener.
#include <spdlog/spdlog.h>

#include "core/net/resolve.hpp"
#include "core/net/tls.hpp"
#include "core/runtime/runtime.hpp"
#include "core/users/users.hpp"
#include "mail/imap/server.hpp"
#include "mail/store/accounts.hpp"

namespace layer7::imap {

Config parse_config(core::Section s, const std::string& data_dir)
{
    Config c;
    c.data_dir = data_dir;
    c.enabled = s.boolean("enabled", c.enabled);
    c.listen = s.address("listen", c.listen);
    if (!core::tcp_endpoint(c.listen))
        s.error("listen", "the address must be an IP literal or localhost");
    c.users_file = s.string("users", c.users_file);
    c.mail_root = s.string("mail_root", c.mail_root);
    c.domain = mail::lower_domain(s.string("domain", c.domain));
    c.tls = s.boolean("tls", c.tls);
    c.tls_cert = s.string("tls_cert", c.tls_cert);
    c.tls_key = s.string("tls_key", c.tls_key);
    if (c.tls_cert.empty() != c.tls_key.empty())
        s.error("tls_cert", "tls_cert and tls_key go together");
    s.require_readable_file("users", c.users_file);
    s.require_readable_file("tls_cert", c.tls_cert);
    s.require_readable_file("tls_key", c.tls_key);
    c.plaintext_auth = s.boolean("plaintext_auth", c.plaintext_auth);
    c.max_auth_failures = static_cast<std::size_t>(s.integer("max_auth_failures", 3, 1, 100));
    c.auth_failure_delay = std::chrono::milliseconds(s.integer("auth_failure_delay_ms", 1000, 0, 60000));
    c.limits = s.limits(c.limits);
    s.finish();
    return c;
}

namespace {

// Checks a login against the users file, read afresh so `layer7 user add|passwd|del` applies at
// once. An unknown login still costs one hash, so timing does not tell which names exist.
bool check_login(const Config& config, const std::string& dummy_hash, std::string_view login,
                 std::string_view password)
{
    auto users = core::Users::load(config.users_path());
    if (!users) {
        spdlog::error("imap: {}", users.error());
        return false;
    }
    const auto account = mail::Accounts(*users, config.domain).find_login(login);
    if (!account) {
        (void)core::check_password(password, dummy_hash);
        return false;
    }
    return users->verify(account->user, password);
}

class Service final : public core::Service {
public:
    explicit Service(const Config& config) : context_{config, {}, mail::Store(config.mail_path()), nullptr} {}

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        const Config& c = context_.config;
        if (c.tls) {
            std::string cert = c.tls_cert, key = c.tls_key;
            try {
                if (cert.empty()) {
                    auto files = core::ensure_dev_certificate(c.data_dir + "/tls", {"localhost", "127.0.0.1", "::1"});
                    cert = files.cert;
                    key = files.key;
                }
                context_.tls = core::make_server_tls(cert, key);
            } catch (const std::exception& e) {
                throw core::StartError(std::string("imap: TLS: ") + e.what());
            }
        }
        if (auto users = core::Users::load(c.users_path()); !users)
            throw core::StartError("imap: " + users.error());
        dummy_hash_ = core::hash_password("layer7-no-such-user");
        context_.policy.tls_available = context_.tls != nullptr;
        context_.policy.plaintext_auth = c.plaintext_auth;
        context_.policy.max_auth_failures = c.max_auth_failures;
        context_.policy.auth_failure_delay = c.auth_failure_delay;
        context_.policy.limits.max_line = c.limits.max_line;
        context_.policy.limits.max_literal = c.limits.max_message;
        context_.policy.limits.max_command = c.limits.max_message + 64 * 1024;
        context_.policy.check_credentials = [this](std::string_view login, std::string_view password) {
            return check_login(context_.config, dummy_hash_, login, password);
        };
        const auto where = core::to_string(c.listen);
        auto [ec, bound] = runtime.listen_tcp(*core::tcp_endpoint(c.listen), c.limits.max_connections,
                                              [this](asio::ip::tcp::socket socket) {
                                                  return serve_connection(std::move(socket), context_);
                                              });
        if (ec)
            throw core::StartError("imap: cannot listen on " + where + ": " + ec.message());
        const std::string address = core::to_string({c.listen.host, bound.port()});
        const auto colon = address.rfind(':');
        return {{"imap", address,
                 "python3 -c \"import imaplib; m=imaplib.IMAP4('" + address.substr(0, colon) + "'," +
                     address.substr(colon + 1) + "); m.login('bob', open('" + c.data_dir +
                     "/passwords/bob').read().strip()); print(m.select())\""}};
    }

private:
    ServerContext context_;
    std::string dummy_hash_;
};

}  // namespace

std::unique_ptr<core::Service> make_service(const Config& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::imap
