// TLS contexts (OpenSSL through asio::ssl): servers with a certificate, clients that verify,
// and a self-signed development certificate for `layer7 up` when none is configured.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <asio/ssl/context.hpp>

namespace layer7::core {

// TLS 1.2 suites a server offers unless its config asks for more: ECDHE with AES-GCM or ChaCha20-Poly1305
// (OpenSSL cipher-list syntax; Mozilla's "intermediate" set).
inline const std::string modern_tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// TLS 1.3 suites in our order of preference (the server's wins): OpenSSL's own order puts
// AES-256-GCM first, which costs a third more per byte than AES-128-GCM for no security a web,
// mail or file server needs (Mozilla's guidelines, h2o and nginx put AES-128-GCM first). 1 KiB
// over h2 with TLS, bench/http2.sh: 4.75 µs of CPU per request with AES-256-GCM, 3.35 with
// AES-128-GCM (h2o, which picks it: 4.2 to 4.3).
inline const std::string modern_tls13_ciphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// The suites a server offers, from its config section (`tls_ciphers`, `tls13_ciphersuites`).
struct TlsCiphers {
    std::string tls12 = modern_tls12_ciphers;       // OpenSSL cipher list for TLS 1.2
    std::string tls13 = modern_tls13_ciphersuites;  // OpenSSL TLS 1.3 ciphersuites
};
// Why OpenSSL refuses `ciphers` (an unknown or empty selection), or nullopt when it takes them.
std::optional<std::string> check_tls_ciphers(const TlsCiphers& ciphers);

// TLS 1.2 and 1.3 only. Throws std::runtime_error with OpenSSL's reason when the files are bad
// (a start-up failure, reported once by the caller).
std::shared_ptr<asio::ssl::context> make_server_tls(const std::string& cert_file, const std::string& key_file,
                                                    const TlsCiphers& ciphers = {});
// ALPN on a server context (RFC 7301): "h2" when `h2` and the client offers it, else "http/1.1".
void offer_alpn(asio::ssl::context& context, bool h2);
// ALPN on a client context: asks for "h2" then "http/1.1" (`h2`), or "http/1.1" alone.
void request_alpn(asio::ssl::context& context, bool h2);
// Verifies the peer against `ca_file`, or the system store when empty; `insecure` skips verification.
std::shared_ptr<asio::ssl::context> make_client_tls(const std::string& ca_file = {}, bool insecure = false);

struct CertFiles {
    std::string cert;
    std::string key;
};
// Writes `dir`/dev-cert.pem and `dir`/dev-key.pem (P-256, valid 1 year, CN and SAN = names[0],
// SANs = all names) unless they already exist. Throws on failure.
CertFiles ensure_dev_certificate(const std::string& dir, const std::vector<std::string>& names);

}  // namespace layer7::core
