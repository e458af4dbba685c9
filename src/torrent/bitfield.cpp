// Bitfield: see bitfield.hpp.
#include "torrent/bitfield.hpp"

namespace layer7::torrent {

std::optional<Bitfield> Bitfield::from_wire(std::string_view bytes, std::size_t pieces)
{
    if (bytes.size() != (pieces + 7) / 8)
        return std::nullopt;
    Bitfield out(pieces);
    for (std::size_t i = 0; i < bytes.size() * 8; ++i) {
        const bool bit = (static_cast<unsigned char>(bytes[i / 8]) >> (7 - i % 8)) & 1;
        if (!bit)
            continue;
        if (i >= pieces)
            return std::nullopt;
        out.set(i);
    }
    return out;
}

std::string Bitfield::to_wire() const
{
    std::string out((bits_.size() + 7) / 8, '\0');
    for (std::size_t i = 0; i < bits_.size(); ++i)
        if (bits_[i])
            out[i / 8] = static_cast<char>(static_cast<unsigned char>(out[i / 8]) | (0x80u >> (i % 8)));
    return out;
}

void Bitfield::set(std::size_t i)
{
    if (i < bits_.size() && !bits_[i]) {
        bits_[i] = true;
        ++count_;
    }
}

}  // namespace layer7::torrent
