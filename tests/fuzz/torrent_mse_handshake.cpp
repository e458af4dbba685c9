// Fuzzes the MSE handshake (mse_handshake.hpp) three ways, chosen by the first byte: the input as
// what an initiator sends a receiver; as what a receiver answers an initiator; or as a mask over a
// genuine conversation between the two (XORed into their bytes, which also sets the split sizes),
// so the states past the sync search are reached. Whatever arrives, nothing crashes, a failed
// handshake stays failed, and a done one agrees on a method both sides allowed.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "torrent/mse_handshake.hpp"

using namespace layer7::torrent;

namespace {

InfoHash torrent(char c)
{
    InfoHash h;
    h.bytes.fill(static_cast<std::uint8_t>(c));
    return h;
}

const std::string key_a(20, '\x5a'), key_b(20, '\xa5');  // fixed, so every run is reproducible
const std::string ia = std::string(
                           "\x13"
                           "BitTorrent protocol") +
                       std::string(48, 'i');

void check(const MseHandshake& h)
{
    if (h.done() && h.error())
        std::abort();
    if (h.done() && h.method() != crypto_rc4 && h.method() != crypto_plaintext)
        std::abort();
}

// Feeds `bytes` in pieces whose sizes come from `sizes` (1..64 bytes each).
void feed(MseHandshake& h, std::string_view bytes, std::string_view sizes)
{
    std::size_t i = 0, k = 0;
    while (i < bytes.size()) {
        const std::size_t n =
            sizes.empty() ? bytes.size() : 1 + static_cast<std::uint8_t>(sizes[k++ % sizes.size()]) % 64;
        h.feed(bytes.substr(i, n));
        i += n;
        check(h);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::uint32_t methods = 1 + data[0] / 3 % 3;  // plaintext, RC4 or both
    switch (data[0] % 3) {
    case 0: {
        auto b = MseHandshake::receiver({torrent('t')}, methods, key_b, "");
        feed(b, in, in.substr(0, 16));
        break;
    }
    case 1: {
        auto a = MseHandshake::initiator(torrent('t'), methods, ia, key_a, "");
        (void)a.take_output();
        feed(a, in, in.substr(0, 16));
        break;
    }
    default: {
        auto a = MseHandshake::initiator(torrent('t'), methods, ia, key_a, std::string(in.size() % 7, 'p'));
        auto b = MseHandshake::receiver({torrent('u'), torrent('t')}, crypto_rc4 | crypto_plaintext, key_b, "");
        std::size_t at = 0;
        auto tamper = [&](std::string bytes) {
            for (char& c : bytes)
                if (at < in.size())
                    c = static_cast<char>(c ^ in[at++]);
            return bytes;
        };
        for (int round = 0; round < 6; ++round) {
            feed(b, tamper(a.take_output()), in.substr(at, 8));
            feed(a, tamper(b.take_output()), in.substr(at, 8));
        }
        if (a.done() && b.done() && a.method() != b.method() && in.find_first_not_of('\0') == std::string_view::npos)
            std::abort();  // an untampered conversation must agree
        break;
    }
    }
    return 0;
}
