// The mail access services' shared parts: see access.hpp.
#include "mail/store/access.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "core/net/tls_config.hpp"
#include "core/service.hpp"
#include "core/users/users.hpp"
#include "mail/store/accounts.hpp"

namespace layer7::mail {

void parse_access_config(core::Section& s, AccessConfig& c, const std::string& data_dir)
{
    c.data_dir = data_dir;
    c.users_file = s.string("users", c.users_file);
    c.mail_root = s.string("mail_root", c.mail_root);
    c.domain = lower_domain(s.string("domain", c.domain));
    c.tls = s.boolean("tls", c.tls);
    core::parse_tls_keys(s, c.tls_cert, c.tls_key, c.tls_ciphers);
    if (c.enabled)  // the default DATA/users too: without users, every login fails
        s.require_readable_file("users", c.users_path());
    c.plaintext_auth = s.boolean("plaintext_auth", c.plaintext_auth);
    c.max_auth_failures = static_cast<std::size_t>(s.integer("max_auth_failures", 3, 1, 100));
    c.auth_failure_delay = std::chrono::milliseconds(s.integer("auth_failure_delay_ms", 1000, 0, 60000));
}

std::shared_ptr<asio::ssl::context> start_access(const AccessConfig& c, std::string_view service)
{
    std::shared_ptr<asio::ssl::context> tls;
    if (c.tls) {
        try {
            tls = core::make_configured_server_tls(c.tls_cert, c.tls_key, c.tls_ciphers, c.data_dir);
        } catch (const std::exception& e) {
            throw core::StartError(std::string(service) + ": TLS: " + e.what());
        }
    }
    // Users::load takes a missing file for an empty list (SMTP and `user add` want that); a mail
    // access service without one would only refuse every login, silently.
    if (::access(c.users_path().c_str(), F_OK) != 0)
        throw core::StartError(std::string(service) + ": no users file " + c.users_path() +
                               " (create it with `layer7 user add NAME --users " + c.users_path() +
                               "`, or pass --users FILE)");
    if (auto users = core::Users::load(c.users_path()); !users)
        throw core::StartError(std::string(service) + ": " + users.error());
    return tls;
}

}  // namespace layer7::mail
