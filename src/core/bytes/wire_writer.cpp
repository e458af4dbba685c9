// WireWriter: all-or-nothing appends under a maximum size.
#include "core/bytes/wire_writer.hpp"

namespace layer7::core {

bool WireWriter::try_u8(std::uint8_t v)
{
    if (!fits(1))
        return false;
    buffer_.push_back(v);
    return true;
}

bool WireWriter::try_u16(std::uint16_t v)
{
    if (!fits(2))
        return false;
    buffer_.push_back(static_cast<std::uint8_t>(v >> 8));
    buffer_.push_back(static_cast<std::uint8_t>(v));
    return true;
}

bool WireWriter::try_u32(std::uint32_t v)
{
    if (!fits(4))
        return false;
    for (int shift = 24; shift >= 0; shift -= 8)
        buffer_.push_back(static_cast<std::uint8_t>(v >> shift));
    return true;
}

bool WireWriter::try_bytes(std::span<const std::uint8_t> v)
{
    if (!fits(v.size()))
        return false;
    buffer_.insert(buffer_.end(), v.begin(), v.end());
    return true;
}

bool WireWriter::try_bytes(std::string_view v)
{
    if (!fits(v.size()))
        return false;
    buffer_.insert(buffer_.end(), v.begin(), v.end());
    return true;
}

void WireWriter::patch_u16(std::size_t offset, std::uint16_t v)
{
    if (offset > buffer_.size() || buffer_.size() - offset < 2) {
        ok_ = false;
        return;
    }
    buffer_[offset] = static_cast<std::uint8_t>(v >> 8);
    buffer_[offset + 1] = static_cast<std::uint8_t>(v);
}

void WireWriter::truncate(std::size_t size)
{
    if (size < buffer_.size())
        buffer_.resize(size);
}

}  // namespace layer7::core
