// TLS config keys: see tls_config.hpp.
#include "core/net/tls_config.hpp"

#include <filesystem>

namespace layer7::core {

TlsCiphers parse_tls_ciphers(Section& section)
{
    TlsCiphers ciphers;
    const std::string tls12 = section.string("tls_ciphers", "modern");
    if (tls12 != "modern")
        ciphers.tls12 = tls12;
    ciphers.tls13 = section.string("tls13_ciphersuites", modern_tls13_ciphersuites);
    if (auto error = check_tls_ciphers(ciphers))
        section.error(error->starts_with("TLS 1.3") ? "tls13_ciphersuites" : "tls_ciphers", *error);
    return ciphers;
}

void parse_tls_keys(Section& section, std::string& cert, std::string& key, TlsCiphers& ciphers)
{
    cert = section.string("tls_cert", cert);
    key = section.string("tls_key", key);
    if (cert.empty() != key.empty())
        section.error("tls_cert", "tls_cert and tls_key go together");
    section.require_readable_file("tls_cert", cert);
    section.require_readable_file("tls_key", key);
    ciphers = parse_tls_ciphers(section);
}

std::shared_ptr<asio::ssl::context> make_configured_server_tls(const std::string& cert, const std::string& key,
                                                               const TlsCiphers& ciphers, const std::string& data_dir,
                                                               std::string* dev_ca)
{
    if (!cert.empty())
        return make_server_tls(cert, key, ciphers);
    const auto files = ensure_dev_certificate(data_dir + "/tls", {"localhost", "127.0.0.1", "::1"});
    if (dev_ca)
        *dev_ca = std::filesystem::absolute(files.cert).lexically_normal().string();
    return make_server_tls(files.cert, files.key, ciphers);
}

}  // namespace layer7::core
