// RC4, the stream cipher Message Stream Encryption keys from the Diffie-Hellman secret (MSE's
// "RC4-drop1024": the first 1024 bytes of keystream are thrown away). Written here because
// OpenSSL 3 keeps RC4 in its legacy provider, which a system may not load (pure).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace layer7::torrent {

class Rc4 {
public:
    // The key schedule (KSA) for a key of 1 to 256 bytes.
    explicit Rc4(std::string_view key);
    // XORs `n` bytes in place with the next keystream bytes: encryption and decryption alike.
    void process(char* data, std::size_t n);
    void process(std::string& data) { process(data.data(), data.size()); }
    // Advances the keystream by `n` bytes (MSE discards 1024).
    void discard(std::size_t n);

private:
    std::uint8_t next();

    std::array<std::uint8_t, 256> s_{};
    std::uint8_t i_ = 0, j_ = 0;
};

}  // namespace layer7::torrent
