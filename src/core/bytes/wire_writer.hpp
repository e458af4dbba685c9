// WireWriter: appends big-endian fields to a byte vector under a maximum size (pure). Plain
// writes that would pass the maximum write nothing and set a sticky failure; try_* writes
// return false instead, leaving the buffer untouched, so an encoder can truncate (NSD buffer.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace layer7::core {

class WireWriter {
public:
    explicit WireWriter(std::size_t max_size = std::numeric_limits<std::size_t>::max()) : max_size_(max_size) {}

    void u8(std::uint8_t v) { ok_ = try_u8(v) && ok_; }
    void u16(std::uint16_t v) { ok_ = try_u16(v) && ok_; }
    void u32(std::uint32_t v) { ok_ = try_u32(v) && ok_; }
    void bytes(std::span<const std::uint8_t> v) { ok_ = try_bytes(v) && ok_; }
    void bytes(std::string_view v) { ok_ = try_bytes(v) && ok_; }

    bool try_u8(std::uint8_t v);
    bool try_u16(std::uint16_t v);
    bool try_u32(std::uint32_t v);
    bool try_bytes(std::span<const std::uint8_t> v);
    bool try_bytes(std::string_view v);

    // Overwrites two bytes already written (DNS counts, RDLENGTH); out of range sets failure.
    void patch_u16(std::size_t offset, std::uint16_t v);
    // Drops everything after `size` (undo a partly written record).
    void truncate(std::size_t size);

    bool fits(std::size_t n) const { return n <= max_size_ - buffer_.size(); }
    std::size_t size() const { return buffer_.size(); }
    std::size_t max_size() const { return max_size_; }
    void set_max_size(std::size_t max_size) { max_size_ = max_size; }
    bool ok() const { return ok_; }
    const std::vector<std::uint8_t>& buffer() const { return buffer_; }
    std::vector<std::uint8_t> take() { return std::move(buffer_); }

private:
    std::vector<std::uint8_t> buffer_;
    std::size_t max_size_;
    bool ok_ = true;
};

}  // namespace layer7::core
