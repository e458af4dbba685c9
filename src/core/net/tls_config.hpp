// The TLS keys every server section shares, and the context a server makes of them:
//   tls_cert, tls_key                both or neither (readable files); neither: a self-signed
//                                    development certificate under DATA/tls
//   tls_ciphers = "modern"           TLS 1.2 suites: "modern" (ECDHE + AES-GCM or ChaCha20-Poly1305,
//                                    the default) or an OpenSSL cipher list, e.g. "DEFAULT" to allow CBC
//   tls13_ciphersuites = ""          TLS 1.3 suites (OpenSSL syntax); empty: OpenSSL's defaults
// A list OpenSSL refuses is a config error, so `layer7 config check` reports it.
#pragma once

#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/net/tls.hpp"

namespace layer7::core {

TlsCiphers parse_tls_ciphers(Section& section);

// Reads tls_cert, tls_key and the cipher keys into the three fields (left as they are when absent).
void parse_tls_keys(Section& section, std::string& cert, std::string& key, TlsCiphers& ciphers);

// The server context of `cert`/`key`, or with no certificate the development one in `data_dir`/tls
// (made on first use; self-signed, so its absolute path, the CA clients pass, goes to *dev_ca).
// Throws std::runtime_error with OpenSSL's reason when the files are bad.
std::shared_ptr<asio::ssl::context> make_configured_server_tls(const std::string& cert, const std::string& key,
                                                               const TlsCiphers& ciphers, const std::string& data_dir,
                                                               std::string* dev_ca = nullptr);

}  // namespace layer7::core
