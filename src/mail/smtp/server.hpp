// The SMTP server shell: drives a ServerSession over a Stream (EXAMPLES.md B) and performs what it
// asks — STARTTLS, and at the end of DATA the durable hand-off: local-only mail straight into the
// Maildirs, anything else into the spool for the delivery agent. The 250 is sent only after that.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include <asio/ssl/context.hpp>

#include "core/net/asio.hpp"
#include "mail/delivery/agent.hpp"
#include "mail/smtp/server_session.hpp"
#include "mail/smtp/service.hpp"

namespace layer7::core {
class BlockingPool;
}
namespace layer7::mail {
class Spool;
class System;
}  // namespace layer7::mail

namespace layer7::smtp {

struct ServerContext {
    Config config;
    Policy relay;       // port 2525
    Policy submission;  // port 2587: Policy::submission set
    std::shared_ptr<asio::ssl::context> tls;  // null: no STARTTLS
    std::function<bool(const asio::ip::address&)> trusted;  // may relay without AUTH
    delivery::MailboxExists exists;
    mail::Spool* spool = nullptr;
    const mail::System* system = nullptr;  // local delivery (the users file is behind `exists`)
    core::BlockingPool* blocking = nullptr;  // the runtime's: the hand-off's fsyncs run there
};

// One connection, from the 220 greeting to the close.
core::awaitable<void> serve_connection(core::TcpSocket socket, const ServerContext& context,
                                       bool submission);

}  // namespace layer7::smtp
