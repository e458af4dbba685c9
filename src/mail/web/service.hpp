// [webmail]: web mail at /mail on the HTTP server (`layer7 up`). It is an http::Handler from above
// http/server, passed in as an ExtraHandler like WebSocket's, reading the users file and the
// Maildir++ store through the mail::System IMAP uses and handing outgoing mail to the intake of the
// SMTP service whose spool is queue_dir (the same mail::Acceptor SMTP receivers use).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "http/server/service.hpp"
#include "mail/queue/acceptor.hpp"
#include "mail/store/system.hpp"
#include "mail/web/push.hpp"

namespace layer7::mail::web {

struct Config {
    bool enabled = true;
    std::string data_dir = "./layer7-data";
    std::string users_file;                // empty: DATA/users
    std::string mail_root;                 // empty: DATA/mail
    std::string queue_dir;                 // empty: DATA/queue (the spool of the SMTP service sent mail goes to)
    std::string domain = "localhost";      // the domain of users-file lines without domain=
    std::string hostname = "localhost";    // Received: by
    std::uint64_t max_upload = 25u << 20;  // a compose form with its attachments (413 above)
    bool plaintext_login = false;          // log in over plain HTTP from a non-loopback client
    std::chrono::milliseconds failure_delay{1000};  // before answering a failed login
    PushLimits push;                                // /mail/events: caps and timeouts

    std::string users_path() const { return users_file.empty() ? data_dir + "/users" : users_file; }
    std::string mail_path() const { return mail_root.empty() ? data_dir + "/mail" : mail_root; }
    std::string queue_path() const { return queue_dir.empty() ? data_dir + "/queue" : queue_dir; }
};

Config parse_config(core::Section section, const std::string& data_dir);
// The handler named "webmail" for [[http.mount]], mounted at /mail with the built-ins. `system`
// holds the users file and mail root of `config` (users_path(), mail_path()); `acceptor` takes what
// is sent (the cli's slot for queue_path(), where the SMTP service of that spool plugs its intake).
std::vector<http::ExtraHandler> extra_handlers(const Config& config, std::shared_ptr<const System> system,
                                               std::shared_ptr<Acceptor> acceptor);

}  // namespace layer7::mail::web
