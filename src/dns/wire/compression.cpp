// Name compression: loop-safe reading (backward pointers only, hop limit) and suffix-pointer writing.
#include "dns/wire/compression.hpp"

#include <algorithm>

namespace layer7::dns {

core::Result<Name, DecodeError> read_name(core::WireReader& reader, const DecodeLimits& limits)
{
    const auto data = reader.data();
    std::size_t pos = reader.position();
    std::size_t segment = pos;  // start of the bytes reached by the last jump
    std::size_t resume = 0;     // where the reader continues: after the first pointer
    int hops = 0;
    std::string wire;
    for (;;) {
        if (pos >= data.size())
            return core::fail(DecodeError::short_message);
        const std::uint8_t len = data[pos];
        if ((len & 0xc0) == 0xc0) {
            if (pos + 1 >= data.size())
                return core::fail(DecodeError::short_message);
            const std::size_t target = (len & 0x3f) << 8 | data[pos + 1];
            if (target >= segment)
                return core::fail(DecodeError::bad_pointer);  // forward or self: could loop
            if (++hops > limits.max_pointer_hops)
                return core::fail(DecodeError::pointer_loop);
            if (resume == 0)
                resume = pos + 2;
            pos = segment = target;
            continue;
        }
        if (len & 0xc0)
            return core::fail(DecodeError::bad_label);
        if (len > data.size() - pos - 1)
            return core::fail(DecodeError::short_message);
        wire.append(reinterpret_cast<const char*>(data.data() + pos), 1 + len);
        if (wire.size() > max_name_length)
            return core::fail(DecodeError::name_too_long);
        pos += 1 + len;
        if (len == 0)
            break;
    }
    reader.seek(resume != 0 ? resume : pos);
    auto name = Name::from_wire(wire);
    if (!name)
        return core::fail(DecodeError::name_too_long);
    return std::move(name).value();
}

bool NameCompressor::write(core::WireWriter& out, const Name& name, bool compress)
{
    const std::string_view wire = name.wire();
    std::string encoded;
    std::size_t pos = 0;
    std::uint16_t pointer = 0;
    bool found = false;
    std::vector<std::size_t> label_starts;
    while (wire[pos] != 0) {
        auto tail = wire.substr(pos);
        if (compress) {
            auto it = std::find_if(known_.begin(), known_.end(), [&](auto& k) { return k.first == tail; });
            if (it != known_.end()) {
                pointer = it->second;
                found = true;
                break;
            }
        }
        label_starts.push_back(pos);
        pos += 1 + static_cast<unsigned char>(wire[pos]);
    }
    encoded.assign(wire.substr(0, pos));
    if (found) {
        encoded.push_back(static_cast<char>(0xc0 | pointer >> 8));
        encoded.push_back(static_cast<char>(pointer & 0xff));
    } else {
        encoded.push_back('\0');
    }
    const std::size_t base = out.size();
    if (!out.try_bytes(encoded))
        return false;
    for (std::size_t start : label_starts)
        if (base + start < 0x4000)  // a pointer has 14 bits
            known_.emplace_back(std::string(wire.substr(start)), static_cast<std::uint16_t>(base + start));
    return true;
}

void NameCompressor::forget_from(std::size_t offset)
{
    std::erase_if(known_, [&](auto& k) { return k.second >= offset; });
}

}  // namespace layer7::dns
