// RC4: see rc4.hpp. The KSA and PRGA as Schneier's Applied Cryptography describes them.
#include "torrent/rc4.hpp"

#include <utility>

namespace layer7::torrent {

Rc4::Rc4(std::string_view key)
{
    for (std::size_t k = 0; k < 256; ++k)
        s_[k] = static_cast<std::uint8_t>(k);
    if (key.empty())
        return;  // no key: the identity permutation (a misuse, but never a crash)
    std::uint8_t j = 0;
    for (std::size_t k = 0; k < 256; ++k) {
        j = static_cast<std::uint8_t>(j + s_[k] + static_cast<std::uint8_t>(key[k % key.size()]));
        std::swap(s_[k], s_[j]);
    }
}

std::uint8_t Rc4::next()
{
    i_ = static_cast<std::uint8_t>(i_ + 1);
    j_ = static_cast<std::uint8_t>(j_ + s_[i_]);
    std::swap(s_[i_], s_[j_]);
    return s_[static_cast<std::uint8_t>(s_[i_] + s_[j_])];
}

void Rc4::process(char* data, std::size_t n)
{
    for (std::size_t k = 0; k < n; ++k)
        data[k] = static_cast<char>(static_cast<std::uint8_t>(data[k]) ^ next());
}

void Rc4::discard(std::size_t n)
{
    for (std::size_t k = 0; k < n; ++k)
        (void)next();
}

}  // namespace layer7::torrent
