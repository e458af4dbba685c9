// The TLS keys every service section shares:
//   tls_ciphers = "modern"           TLS 1.2 suites: "modern" (ECDHE + AES-GCM or ChaCha20-Poly1305,
//                                    the default) or an OpenSSL cipher list, e.g. "DEFAULT" to allow CBC
//   tls13_ciphersuites = ""          TLS 1.3 suites (OpenSSL syntax); empty: OpenSSL's defaults
// A list OpenSSL refuses is a config error, so `layer7 config check` reports it.
#pragma once

#include "core/config/config.hpp"
#include "core/net/tls.hpp"

namespace layer7::core {

TlsCiphers parse_tls_ciphers(Section& section);

}  // namespace layer7::core
