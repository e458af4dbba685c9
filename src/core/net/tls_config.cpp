// TLS config keys: see tls_config.hpp.
#include "core/net/tls_config.hpp"

namespace layer7::core {

TlsCiphers parse_tls_ciphers(Section& section)
{
    TlsCiphers ciphers;
    const std::string tls12 = section.string("tls_ciphers", "modern");
    if (tls12 != "modern")
        ciphers.tls12 = tls12;
    ciphers.tls13 = section.string("tls13_ciphersuites", "");
    if (auto error = check_tls_ciphers(ciphers))
        section.error(error->starts_with("TLS 1.3") ? "tls13_ciphersuites" : "tls_ciphers", *error);
    return ciphers;
}

}  // namespace layer7::core
