// [webmail]: see service.hpp.
#include "mail/web/service.hpp"

#include "mail/web/handler.hpp"

namespace layer7::mail::web {

Config parse_config(core::Section s, const std::string& data_dir)
{
    Config c;
    c.data_dir = data_dir;
    c.enabled = s.boolean("enabled", c.enabled);
    c.users_file = s.string("users", c.users_file);
    c.mail_root = s.string("mail_root", c.mail_root);
    c.queue_dir = s.string("queue_dir", c.queue_dir);
    c.domain = s.string("domain", c.domain);
    c.hostname = s.string("hostname", c.hostname);
    c.max_upload =
        static_cast<std::uint64_t>(s.integer("max_upload", static_cast<std::int64_t>(c.max_upload), 1024, 1LL << 32));
    c.plaintext_login = s.boolean("plaintext_login", c.plaintext_login);
    c.failure_delay = std::chrono::milliseconds(s.integer("failure_delay_ms", c.failure_delay.count(), 0, 60000));
    c.push.total =
        static_cast<std::size_t>(s.integer("push_streams", static_cast<std::int64_t>(c.push.total), 0, 100000));
    c.push.per_user =
        static_cast<std::size_t>(s.integer("push_per_user", static_cast<std::int64_t>(c.push.per_user), 1, 1000));
    c.push.per_session =
        static_cast<std::size_t>(s.integer("push_per_session", static_cast<std::int64_t>(c.push.per_session), 1, 1000));
    c.push.idle = std::chrono::seconds(s.integer("push_idle_s", c.push.idle.count(), 1, 24 * 3600));
    c.push.heartbeat = std::chrono::seconds(s.integer("push_heartbeat_s", c.push.heartbeat.count(), 1, 3600));
    s.require_readable_file("users", c.users_file);
    s.finish();
    return c;
}

std::vector<http::ExtraHandler> extra_handlers(const Config& config, std::shared_ptr<const System> system,
                                               std::shared_ptr<Acceptor> acceptor)
{
    if (!config.enabled)
        return {};
    return {{"webmail", "/mail",
             [config, system, acceptor] { return std::make_shared<WebMail>(config, system, acceptor); },
             "Web mail: read and send as one of the mail users"}};
}

}  // namespace layer7::mail::web
