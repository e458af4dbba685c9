// WireReader: bounded big-endian reads with a sticky failure flag.
#include "core/bytes/wire_reader.hpp"

namespace layer7::core {

bool WireReader::take(std::size_t n)
{
    if (!ok_ || n > data_.size() - pos_) {
        ok_ = false;
        return false;
    }
    return true;
}

std::uint8_t WireReader::u8()
{
    if (!take(1))
        return 0;
    return data_[pos_++];
}

std::uint16_t WireReader::u16()
{
    if (!take(2))
        return 0;
    auto v = static_cast<std::uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return v;
}

std::uint32_t WireReader::u32()
{
    if (!take(4))
        return 0;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v = v << 8 | data_[pos_ + i];
    pos_ += 4;
    return v;
}

std::span<const std::uint8_t> WireReader::bytes(std::size_t n)
{
    if (!take(n))
        return {};
    auto out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
}

void WireReader::skip(std::size_t n)
{
    if (take(n))
        pos_ += n;
}

void WireReader::seek(std::size_t position)
{
    if (position > data_.size())
        ok_ = false;
    else
        pos_ = position;
}

}  // namespace layer7::core
