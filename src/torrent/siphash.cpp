// SipHash-2-4: see siphash.hpp. Words are little-endian, as the paper specifies.
#include "torrent/siphash.hpp"

namespace layer7::torrent {

namespace {
std::uint64_t rotl(std::uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

std::uint64_t load_le(const std::uint8_t* p, std::size_t n)
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
        v |= std::uint64_t{p[i]} << (8 * i);
    return v;
}

struct State {
    std::uint64_t v0, v1, v2, v3;
    void round()
    {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    }
    void absorb(std::uint64_t m)
    {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
};
}  // namespace

std::uint64_t siphash24(const SipKey& key, std::string_view data)
{
    const std::uint64_t k0 = load_le(key.data(), 8), k1 = load_le(key.data() + 8, 8);
    State s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
            k1 ^ 0x7465646279746573ULL};
    const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
    const std::size_t full = data.size() / 8 * 8;
    for (std::size_t i = 0; i < full; i += 8)
        s.absorb(load_le(p + i, 8));
    s.absorb(load_le(p + full, data.size() - full) | (std::uint64_t{data.size() & 0xff} << 56));
    s.v2 ^= 0xff;
    for (int i = 0; i < 4; ++i)
        s.round();
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace layer7::torrent
