// The POP3 connection shell: drives a Session over a Stream and performs its actions on the
// mail store (lock, list, read, commit) and TLS. Opening the maildrop and the UPDATE state's
// deletions (each fsync'ed) run on the runtime's blocking pool.
#pragma once

#include <memory>

#include <asio/ssl/context.hpp>

#include "core/net/asio.hpp"
#include "core/runtime/blocking_pool.hpp"
#include "mail/pop3/service.hpp"
#include "mail/pop3/session.hpp"
#include "mail/store/system.hpp"

namespace layer7::mail::pop3 {

struct ServerContext {
    Config config;
    Policy policy;                               // check_credentials asks the System
    std::shared_ptr<const mail::System> system;  // the users and the store, shared with SMTP and IMAP
    std::shared_ptr<asio::ssl::context> tls;     // null: no STLS
    core::BlockingPool* blocking = nullptr;      // the runtime's
};

// One connection, from greeting to close; errors and timeouts end it quietly.
core::awaitable<void> serve_connection(core::TcpSocket socket, const ServerContext& context);

}  // namespace layer7::mail::pop3
