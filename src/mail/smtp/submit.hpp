// Message submission (RFC 6409) for `layer7 mail send`: one connection, STARTTLS and AUTH as asked,
// one transaction; the per-recipient outcome is printed.
#pragma once

#include <chrono>
#include <string>

#include "core/text/host_port.hpp"
#include "mail/smtp/client_session.hpp"

namespace layer7::mail::smtp {

struct SubmitOptions {
    core::HostPort server;
    ClientOptions client;   // EHLO name, TLS policy, AUTH credentials
    std::string ca_file;    // verify the server against this CA (default: the system store)
    bool insecure = false;  // do not verify the server's certificate
    std::chrono::seconds timeout{60};
};

// Runs the session on its own event loop. Returns 0 when every recipient was accepted, 1 otherwise
// (each refusal is printed on stderr with the server's reply).
int submit(const SubmitOptions& options, const Outgoing& message);

}  // namespace layer7::mail::smtp
