// The Diffie-Hellman exchange of Message Stream Encryption: the fixed 768-bit prime P, generator 2,
// public keys and the shared secret S as 96 big-endian bytes. OpenSSL's BIGNUM does the modular
// exponentiation (constant time); not pure, but no I/O, like sha1.hpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::torrent {

inline constexpr std::size_t mse_key_size = 96;          // 768 bits, big-endian, zero-padded on the left
inline constexpr std::size_t mse_private_key_size = 20;  // 160 bits, as the MSE spec advises

// 2^x mod P for the private key `x` (big-endian bytes).
std::string mse_public_key(std::string_view private_key);
// Y^x mod P: the shared secret S, or nullopt when `their_public` is not 96 bytes or is a degenerate
// key (not in 2..P-2: 0, 1 and P-1 would make S guessable).
std::optional<std::string> mse_shared_secret(std::string_view private_key, std::string_view their_public);
// `n` bytes from the system's cryptographic random source (private keys, padding).
std::string mse_random_bytes(std::size_t n);

}  // namespace layer7::torrent
