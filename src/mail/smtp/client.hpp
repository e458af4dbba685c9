// The SMTP client shell: drives a pure ClientSession over a core::Stream — reads reply lines into
// a ReplyParser, writes what the session asks, performs STARTTLS (RFC 3207). Used by the MX relay
// and by `layer7 mail send`.
#pragma once

#include <string>

#include <asio/ssl/context.hpp>

#include "core/net/stream.hpp"
#include "mail/smtp/client_session.hpp"

namespace layer7::mail::smtp {

struct ClientRun {
    bool tls_failed = false;      // the STARTTLS handshake failed (the session counts as lost)
    bool protocol_error = false;  // the server sent something that is not a reply
};

// Runs `session` from the greeting to the end; on I/O failure or timeout every undecided recipient
// becomes temporary. `tls` may be null only when the session's TLS policy is `never`.
core::awaitable<ClientRun> run_client(core::Stream& stream, ClientSession& session, asio::ssl::context* tls,
                                      const std::string& server_name);

}  // namespace layer7::mail::smtp
