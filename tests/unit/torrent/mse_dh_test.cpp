// MSE's Diffie-Hellman: 2^x mod P for small x, both sides reaching the same secret, and the
// degenerate public keys (0, 1, P-1, P and over) refused.
#include <gtest/gtest.h>

#include <string>

#include "../hex.hpp"
#include "torrent/mse_dh.hpp"

namespace layer7::torrent {
namespace {

std::string bytes(std::string_view h)
{
    auto v = from_hex(h);
    return std::string(v.begin(), v.end());
}

const std::string prime = bytes(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563");

std::string number(unsigned v)
{
    std::string out(mse_key_size, '\0');
    out[mse_key_size - 2] = static_cast<char>(v >> 8);
    out[mse_key_size - 1] = static_cast<char>(v);
    return out;
}

TEST(MseDh, PublicKeyIsTwoToTheX)
{
    EXPECT_EQ(mse_public_key(bytes("01")), number(2));
    EXPECT_EQ(mse_public_key(bytes("0a")), number(1024));
    EXPECT_EQ(mse_public_key(bytes("01")).size(), mse_key_size);
}

TEST(MseDh, BothSidesReachTheSameSecret)
{
    for (int round = 0; round < 4; ++round) {
        const std::string xa = mse_random_bytes(mse_private_key_size), xb = mse_random_bytes(mse_private_key_size);
        const auto sa = mse_shared_secret(xa, mse_public_key(xb));
        const auto sb = mse_shared_secret(xb, mse_public_key(xa));
        ASSERT_TRUE(sa && sb);
        EXPECT_EQ(*sa, *sb);
        EXPECT_EQ(sa->size(), mse_key_size);
    }
}

TEST(MseDh, DegenerateKeysAreRefused)
{
    const std::string x = mse_random_bytes(mse_private_key_size);
    std::string p_minus_1 = prime;
    p_minus_1.back() = static_cast<char>(p_minus_1.back() - 1);
    std::string p_minus_2 = prime;
    p_minus_2.back() = static_cast<char>(p_minus_2.back() - 2);
    EXPECT_FALSE(mse_shared_secret(x, number(0)));
    EXPECT_FALSE(mse_shared_secret(x, number(1)));
    EXPECT_TRUE(mse_shared_secret(x, number(2)));
    EXPECT_TRUE(mse_shared_secret(x, p_minus_2));
    EXPECT_FALSE(mse_shared_secret(x, p_minus_1));
    EXPECT_FALSE(mse_shared_secret(x, prime));
    EXPECT_FALSE(mse_shared_secret(x, std::string(mse_key_size, '\xff')));
    EXPECT_FALSE(mse_shared_secret(x, number(5).substr(1)));  // 95 bytes
}

}  // namespace
}  // namespace layer7::torrent
