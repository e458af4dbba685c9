// What --trace hides unless --trace-secrets is given: passwords and SASL credentials in the
// dialogues of every text protocol, found by their shape, so no protocol masks its own.
//   FTP, POP3       PASS secret                           → PASS ****
//   SMTP, POP3      AUTH PLAIN|LOGIN… [initial response]  → AUTH PLAIN ****, then each client line
//   IMAP            tag AUTHENTICATE mech [initial]        … until the server stops sending
//                                                           continuations (334, "+ ")
//   IMAP            tag LOGIN user secret                  → tag LOGIN user ****
//   HTTP            Authorization: / Proxy-Authorization:  → the scheme, then ****
// Pure: no I/O; the caller keeps one SaslState per connection.
#pragma once

#include <string>
#include <string_view>

#include "core/trace/trace.hpp"

namespace layer7::core {

inline constexpr std::string_view masked = "****";

struct SaslState {
    bool client_secrets_follow = false;  // an AUTH/AUTHENTICATE (or a LOGIN literal) is under way
};

// The line as the trace shows it: `line` itself or a copy with the secret replaced by ****.
// Updates `state` (an AUTH starts an exchange; a server line that is not a continuation ends it).
std::string mask_secrets(Speaker who, std::string_view line, SaslState& state);

// --trace-secrets: Trace prints passwords as they are (by default it masks them with
// mask_secrets, keeping one SaslState per connection). Call at start-up, before any connection.
void show_trace_secrets(bool show);

}  // namespace layer7::core
