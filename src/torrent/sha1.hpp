// SHA-1 for info-hashes and piece hashes (OpenSSL's EVP digest; not pure, but no I/O).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "torrent/info_hash.hpp"

namespace layer7::torrent {

using Sha1Digest = std::array<std::uint8_t, 20>;

// Incremental SHA-1: update() with pieces of data, then finish(); reusable after finish().
class Sha1 {
public:
    Sha1();
    ~Sha1();
    Sha1(const Sha1&) = delete;
    void update(std::string_view data);
    Sha1Digest finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

Sha1Digest sha1(std::string_view data);
// The info-hash of a torrent: the SHA-1 of its info dictionary's bytes (BEP 3).
InfoHash info_hash_of(std::string_view info_bytes);

}  // namespace layer7::torrent
