// The IMAP connection shell: drives a Session over a Stream, assembles literals, opens the user's
// store, performs STARTTLS and waits in IDLE for the folder to change.
#pragma once

#include <memory>

#include <asio/ssl/context.hpp>

#include "core/net/asio.hpp"
#include "mail/imap/service.hpp"
#include "mail/imap/session.hpp"
#include "mail/store/system.hpp"

namespace layer7::mail::imap {

struct ServerContext {
    Config config;
    Policy policy;                               // check_credentials asks the System
    std::shared_ptr<const mail::System> system;  // the users and the store, shared with SMTP and POP3
    std::shared_ptr<asio::ssl::context> tls;     // null: no STARTTLS
};

// One connection, from greeting to close; errors and timeouts end it quietly.
core::awaitable<void> serve_connection(core::TcpSocket socket, const ServerContext& context);

}  // namespace layer7::mail::imap
