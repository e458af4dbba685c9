// The SMTP server shell: drives a ServerSession over a Stream (EXAMPLES.md B) and performs what it
// asks — STARTTLS, and the message: begun with the acceptor at DATA, its content written as the
// session hands it on, committed at the "." The 250 is sent only after the commit's fsync.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include <asio/ssl/context.hpp>

#include "core/limits.hpp"
#include "core/net/asio.hpp"
#include "mail/smtp/server_session.hpp"

namespace layer7::core {
class BlockingPool;
}
namespace layer7::mail {
class Acceptor;
}

namespace layer7::mail::smtp {

struct ServerContext {
    core::Limits limits;                                    // max_line, idle_timeout
    Policy relay;                                           // port 2525
    Policy submission;                                      // port 2587: Policy::submission set
    std::shared_ptr<asio::ssl::context> tls;                // null: no STARTTLS
    std::function<bool(const asio::ip::address&)> trusted;  // may relay without AUTH
    mail::Acceptor* acceptor = nullptr;                     // where messages go
    core::BlockingPool* blocking = nullptr;                 // the runtime's: every write, fsync and rename runs there
};

// One connection, from the 220 greeting to the close.
core::awaitable<void> serve_connection(core::TcpSocket socket, const ServerContext& context, bool submission);

}  // namespace layer7::mail::smtp
