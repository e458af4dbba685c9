// MSE's Diffie-Hellman: see mse_dh.hpp.
#include "torrent/mse_dh.hpp"

#include <memory>
#include <stdexcept>

#include <openssl/bn.h>
#include <openssl/rand.h>

namespace layer7::torrent {

namespace {

// The MSE spec's P: the 768-bit prime of RFC 2409's first Oakley group.
constexpr char prime_hex[] =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563";

struct BnFree {
    void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
struct CtxFree {
    void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn bn_from(std::string_view bytes)
{
    return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

const BIGNUM* prime()
{
    static const BIGNUM* p = [] {
        BIGNUM* b = nullptr;
        if (!BN_hex2bn(&b, prime_hex))
            throw std::runtime_error("MSE prime");
        return b;
    }();
    return p;
}

// base^exponent mod P as 96 big-endian bytes.
std::string mod_exp(const BIGNUM* base, std::string_view exponent)
{
    Bn x = bn_from(exponent), r(BN_new());
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    if (!x || !r || !ctx)
        throw std::runtime_error("out of memory");
    BN_set_flags(x.get(), BN_FLG_CONSTTIME);
    if (BN_mod_exp(r.get(), base, x.get(), prime(), ctx.get()) != 1)
        throw std::runtime_error("MSE modular exponentiation failed");
    std::string out(mse_key_size, '\0');
    BN_bn2binpad(r.get(), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
    return out;
}

}  // namespace

std::string mse_public_key(std::string_view private_key)
{
    Bn two(BN_new());
    BN_set_word(two.get(), 2);
    return mod_exp(two.get(), private_key);
}

std::optional<std::string> mse_shared_secret(std::string_view private_key, std::string_view their_public)
{
    if (their_public.size() != mse_key_size)
        return std::nullopt;
    Bn y = bn_from(their_public), limit(BN_dup(prime()));
    BN_sub_word(limit.get(), 1);  // P-1
    if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), limit.get()) >= 0)
        return std::nullopt;
    return mod_exp(y.get(), private_key);
}

std::string mse_random_bytes(std::size_t n)
{
    std::string out(n, '\0');
    if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("no random bytes");
    return out;
}

}  // namespace layer7::torrent
