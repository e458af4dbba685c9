// The [smtp] service, the whole mail transfer agent: configuration, the SMTP relay/MX listener
// (2525) and submission listener (2587, RFC 6409: AUTH required) as receivers, the spool, the
// delivery intake they hand messages to and the delivery agent (`layer7 smtp serve`, `up`).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/net/tls.hpp"
#include "core/service.hpp"
#include "mail/delivery/backoff.hpp"
#include "mail/delivery/route.hpp"
#include "mail/queue/acceptor_slot.hpp"
#include "mail/store/system.hpp"

namespace layer7::mail::mta {

struct Config {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 2525};                                      // relay / MX
    std::optional<core::HostPort> submission = core::HostPort{"127.0.0.1", 2587};  // nullopt: off
    std::string hostname = "localhost";  // greeting, Received: by, EHLO when relaying
    std::vector<std::string> domains;    // delivered here; the first one is the users' default
    std::string data_dir = "./layer7-data";
    std::string users_file;  // empty: DATA/users (lines name:HASH:domain=D, as POP3 reads them)
    std::string mail_root;   // empty: DATA/mail
    std::string queue_dir;   // empty: DATA/queue
    bool tls = true;         // STARTTLS with tls_cert/tls_key, or a dev certificate under DATA/tls
    std::string tls_cert, tls_key;
    core::TlsCiphers tls_ciphers;               // tls_ciphers, tls13_ciphersuites
    std::vector<std::string> trusted_networks;  // CIDRs that may relay without AUTH (Postfix mynetworks)
    std::size_t max_message_bytes = 32u << 20;  // SIZE (RFC 1870)
    std::size_t max_recipients = 100;           // RFC 5321 §4.5.3.1.8
    std::chrono::milliseconds auth_failure_delay{2000};
    bool demo_users = false;  // `layer7 up`: create alice@crepes.fr and bob@hamburger.edu
    // What demo_users runs at start, before the users file is read: the cli passes the demo world's
    // (demo/users.hpp), which adds the users and returns the lines to print.
    std::function<std::vector<std::string>(const std::string& users_path, const std::string& data_dir)> add_demo_users;
    // Delivery.
    std::vector<delivery::StaticRoute> routes;  // [[smtp.route]] domain = "…", next_hop = "host:port"
    std::optional<core::HostPort> resolver;     // a DNS server for MX lookups; none: /etc/resolv.conf
    std::uint16_t mx_port = 25;
    delivery::RetryPolicy retry;
    std::size_t max_active = 20;
    bool relay_tls = true;  // opportunistic STARTTLS when relaying
    // Deprecated: the old name of [runtime] blocking_threads, read so that older configs still run;
    // the planner applies it (unless [runtime] sets blocking_threads) and warns.
    std::optional<std::size_t> io_threads;
    // RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets with its CRLF; §4.5.3.2.7: 5 minutes.
    core::Limits limits{.max_line = 998, .max_connections = 1000, .idle_timeout = std::chrono::seconds(300)};

    std::string users_path() const { return users_file.empty() ? data_dir + "/users" : users_file; }
    std::string mail_path() const { return mail_root.empty() ? data_dir + "/mail" : mail_root; }
    std::string queue_path() const { return queue_dir.empty() ? data_dir + "/queue" : queue_dir; }
};

// Reads [smtp]; `data_dir` is plan.runtime.data. Errors go to the section's diagnostics.
Config parse_config(core::Section section, const std::string& data_dir);
// "DOMAIN=HOST:PORT" (a --route flag); nullopt when malformed.
std::optional<delivery::StaticRoute> parse_route(const std::string& text);
// True when `cidr` is "ADDR/LEN" or a bare address.
bool valid_network(const std::string& cidr);
// `system` holds the users file and mail root of `config` (users_path(), mail_path()): its own, or
// the one `layer7 up` shares among the mail services. Once running, the service plugs its intake
// into `spool_acceptor` (if any): `layer7 up`'s web mail hands its messages there.
std::unique_ptr<core::Service> make_service(const Config& config, std::shared_ptr<mail::System> system,
                                            std::shared_ptr<mail::AcceptorSlot> spool_acceptor = nullptr);

}  // namespace layer7::mail::mta
