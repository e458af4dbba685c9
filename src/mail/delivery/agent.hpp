// The delivery agent (Postfix's qmgr + smtp + local in one): takes queued messages from the spool,
// delivers local recipients into their Maildir and relays the rest — static route, else MX by
// preference, else the domain's own address (RFC 5321 §5.1) — with opportunistic STARTTLS.
// Failures are retried with exponential back-off; after the maximum age, or on a permanent
// failure, the sender gets an RFC 3464 bounce. At most `max_active` messages are in flight.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mail/delivery/backoff.hpp"
#include "mail/delivery/route.hpp"
#include "mail/smtp/client_session.hpp"

namespace layer7::core {
class BlockingPool;
}
namespace layer7::dns {
class Resolver;
}
namespace layer7::mail {
class Spool;
class System;
}  // namespace layer7::mail

namespace layer7::mail::delivery {

struct AgentConfig {
    std::string hostname = "localhost";      // EHLO name, Reporting-MTA, MAILER-DAEMON@
    std::vector<std::string> local_domains;  // lower case: delivered into the store
    std::vector<StaticRoute> routes;         // checked before MX
    std::uint16_t mx_port = 25;              // the port MX hosts are dialled on
    RetryPolicy retry;
    std::size_t max_active = 20;  // messages delivered at once (qmgr's active window)
    std::chrono::seconds connect_timeout{30};
    std::chrono::seconds command_timeout{300};  // RFC 5321 §4.5.3.2: 5 minutes for most replies
    smtp::TlsPolicy tls = smtp::TlsPolicy::opportunistic;
    std::string tls_ca_file;  // verify relays against this CA; empty with tls_verify=false: no check
    bool tls_verify = false;  // RFC 3207 §4: opportunistic TLS is not authenticated by default
};

// Does DOMAIN/USER exist? (the users file, read by the caller)
using MailboxExists = std::function<bool(std::string_view domain, std::string_view user)>;

class Agent {
public:
    // Queue files and Maildir deliveries are read and written on `disk` (the runtime's pool);
    // MX and address lookups are asked of `resolver` (make_mx_resolver) on the agent's own loop.
    Agent(AgentConfig config, mail::Spool& spool, const mail::System& system, MailboxExists exists,
          std::shared_ptr<dns::Resolver> resolver, core::BlockingPool& disk);
    ~Agent();
    Agent(const Agent&) = delete;

    // Scans the spool (mail acknowledged before a crash is delivered now) and starts the thread.
    void start();
    // Stops after the attempts in flight give up; undelivered mail stays queued for the next start.
    void stop();
    // A message was just queued: deliver it now. Thread-safe.
    void wake(const std::string& id);
    // Deliver every deferred message now (SIGHUP, tests). Thread-safe.
    void flush();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace layer7::mail::delivery
