// `layer7 connect HOST:PORT`: telnet for application protocols. Lines typed on stdin go out with
// CRLF, what the server sends is printed as it arrives; optionally over TLS from the start or after
// the protocol's STARTTLS dialogue, or as UDP datagrams (one per line).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "connect/starttls.hpp"
#include "core/text/host_port.hpp"

namespace layer7::connect {

struct Options {
    core::HostPort server;
    bool tls = false;
    std::optional<StartTlsProtocol> starttls;
    bool udp = false;
    std::string ca_file;               // TLS: verify against this CA (default: the system store)
    bool insecure = false;             // TLS: do not verify the server's certificate
    std::chrono::seconds timeout{10};  // connecting, the STARTTLS dialogue, the handshake
    std::chrono::seconds wait{5};      // after the end of input, for the server's last words
};

// Runs the session; returns the exit code (0, or 1 when connecting or the upgrade failed).
int run(const Options& options);

}  // namespace layer7::connect
