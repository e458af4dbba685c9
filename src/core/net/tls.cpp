// TLS contexts: see tls.hpp.
#include "core/net/tls.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace layer7::core {

namespace {

std::string openssl_error()
{
    char buf[256];
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    return buf;
}

void modern_only(asio::ssl::context& ctx)
{
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
}

// Installs the suites; the reason OpenSSL refuses them, or nullopt.
std::optional<std::string> set_ciphers(SSL_CTX* ctx, const TlsCiphers& ciphers)
{
    if (SSL_CTX_set_cipher_list(ctx, ciphers.tls12.c_str()) != 1)
        return "TLS 1.2 cipher list '" + ciphers.tls12 + "': " + openssl_error();
    if (!ciphers.tls13.empty() && SSL_CTX_set_ciphersuites(ctx, ciphers.tls13.c_str()) != 1)
        return "TLS 1.3 ciphersuites '" + ciphers.tls13 + "': " + openssl_error();
    return std::nullopt;
}

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

void write_pem(const std::string& path, auto&& write)
{
    const std::string tmp = path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f)
        throw std::runtime_error("cannot write " + tmp);
    const bool ok = write(f);
    std::fclose(f);
    if (!ok)
        throw std::runtime_error("cannot write " + path + ": " + openssl_error());
    std::filesystem::rename(tmp, path);
}

}  // namespace

std::optional<std::string> check_tls_ciphers(const TlsCiphers& ciphers)
{
    std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>> ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx)
        return "cannot make a TLS context: " + openssl_error();
    return set_ciphers(ctx.get(), ciphers);
}

std::shared_ptr<asio::ssl::context> make_server_tls(const std::string& cert_file, const std::string& key_file,
                                                    const TlsCiphers& ciphers)
{
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    modern_only(*ctx);
    // By default TLS 1.2 without CBC (Lucky13, padding oracles) and without static-RSA key exchange
    // (no forward secrecy); TLS 1.3's suites are OpenSSL's defaults, all AEAD. Our preference, not
    // the client's.
    if (auto error = set_ciphers(ctx->native_handle(), ciphers))
        throw std::runtime_error(*error);
    ctx->set_options(SSL_OP_CIPHER_SERVER_PREFERENCE);
    // OpenSSL's record buffers (about 34 KiB a connection) are given back while a connection is
    // idle, as nginx does: idle connections are the common case for a server.
    SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_use_certificate_chain_file(ctx->native_handle(), cert_file.c_str()) != 1)
        throw std::runtime_error("TLS certificate " + cert_file + ": " + openssl_error());
    if (SSL_CTX_use_PrivateKey_file(ctx->native_handle(), key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        throw std::runtime_error("TLS key " + key_file + ": " + openssl_error());
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
        throw std::runtime_error("TLS key " + key_file + " does not match " + cert_file);
    return ctx;
}

void request_alpn(asio::ssl::context& context, bool h2)
{
    static constexpr unsigned char both[] = "\x02h2\x08http/1.1", http11[] = "\x08http/1.1";
    if (h2)
        SSL_CTX_set_alpn_protos(context.native_handle(), both, sizeof both - 1);
    else
        SSL_CTX_set_alpn_protos(context.native_handle(), http11, sizeof http11 - 1);
}

void offer_alpn(asio::ssl::context& context, bool h2)
{
    // The callback's argument: the protocols we speak, best first, as a pointer we own forever.
    static const std::string_view with_h2 = "h2", http11 = "http/1.1";
    SSL_CTX_set_alpn_select_cb(
        context.native_handle(),
        [](SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in, unsigned in_len,
           void* arg) -> int {
            const bool offer_h2 = arg != nullptr;
            // The client's list is length-prefixed names; our preference wins (RFC 7301 §3.2).
            for (std::string_view want : {with_h2, http11}) {
                if (want == with_h2 && !offer_h2)
                    continue;
                for (unsigned i = 0; i < in_len; i += 1u + in[i]) {
                    const std::string_view theirs(reinterpret_cast<const char*>(in + i + 1),
                                                  std::min<unsigned>(in[i], in_len - i - 1));
                    if (theirs == want) {
                        *out = in + i + 1;
                        *out_len = in[i];
                        return SSL_TLSEXT_ERR_OK;
                    }
                }
            }
            return SSL_TLSEXT_ERR_NOACK;  // none in common: go on without ALPN
        },
        h2 ? &context : nullptr);
}

std::shared_ptr<asio::ssl::context> make_client_tls(const std::string& ca_file, bool insecure)
{
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    modern_only(*ctx);
    if (insecure) {
        ctx->set_verify_mode(asio::ssl::verify_none);
        return ctx;
    }
    std::error_code ec;
    if (ca_file.empty())
        ctx->set_default_verify_paths(ec);
    else
        ctx->load_verify_file(ca_file, ec);
    if (ec)
        throw std::runtime_error("TLS CA " + ca_file + ": " + ec.message());
    ctx->set_verify_mode(asio::ssl::verify_peer);
    return ctx;
}

CertFiles ensure_dev_certificate(const std::string& dir, const std::vector<std::string>& names)
{
    CertFiles files{dir + "/dev-cert.pem", dir + "/dev-key.pem"};
    if (std::filesystem::exists(files.cert) && std::filesystem::exists(files.key))
        return files;
    std::filesystem::create_directories(dir);

    KeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        throw std::runtime_error("key generation failed: " + openssl_error());
    CertPtr cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;  // a positive serial number (RFC 5280 §4.1.2.2)
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    const std::string cn = names.empty() ? "localhost" : names.front();
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("layer7 dev"), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);

    std::string san;
    for (const auto& n : names) {
        if (!san.empty())
            san += ",";
        const bool is_ip = n.find_first_not_of("0123456789.") == std::string::npos || n.find(':') != std::string::npos;
        san += (is_ip ? "IP:" : "DNS:") + n;
    }
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
    for (auto [nid, value] : std::vector<std::pair<int, std::string>>{{NID_subject_alt_name, san},
                                                                      {NID_basic_constraints, "critical,CA:TRUE"}}) {
        if (value.empty())
            continue;
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
        if (!ext)
            throw std::runtime_error("certificate extension: " + openssl_error());
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
        throw std::runtime_error("certificate signing failed: " + openssl_error());

    write_pem(files.key,
              [&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1; });
    std::filesystem::permissions(files.key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    write_pem(files.cert, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
    return files;
}

}  // namespace layer7::core
