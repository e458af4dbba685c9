// SHA-1: see sha1.hpp.
#include "torrent/sha1.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace layer7::torrent {

struct Sha1::State {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~State() { EVP_MD_CTX_free(ctx); }
};

Sha1::Sha1() : state_(std::make_unique<State>())
{
    if (!state_->ctx || EVP_DigestInit_ex(state_->ctx, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("SHA-1 unavailable");
}

Sha1::~Sha1() = default;

void Sha1::update(std::string_view data)
{
    EVP_DigestUpdate(state_->ctx, data.data(), data.size());
}

Sha1Digest Sha1::finish()
{
    Sha1Digest out{};
    unsigned n = 0;
    EVP_DigestFinal_ex(state_->ctx, out.data(), &n);
    EVP_DigestInit_ex(state_->ctx, EVP_sha1(), nullptr);
    return out;
}

Sha1Digest sha1(std::string_view data)
{
    Sha1 h;
    h.update(data);
    return h.finish();
}

InfoHash info_hash_of(std::string_view info_bytes)
{
    return InfoHash{sha1(info_bytes)};
}

}  // namespace layer7::torrent
