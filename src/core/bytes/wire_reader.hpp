// WireReader: a bounded big-endian cursor over received bytes (pure). A read past the end sets a
// sticky failure flag and returns zeros, so a decoder checks ok() once per record (NSD buffer.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace layer7::core {

class WireReader {
public:
    explicit WireReader(std::span<const std::uint8_t> data) : data_(data) {}
    explicit WireReader(std::span<const std::byte> data)
        : data_(reinterpret_cast<const std::uint8_t*>(data.data()), data.size())
    {
    }

    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u32();
    // The next n bytes (empty and failed if fewer remain); views into the input.
    std::span<const std::uint8_t> bytes(std::size_t n);
    void skip(std::size_t n);

    std::size_t position() const { return pos_; }
    // Moves the cursor (DNS compression pointers); a target past the end fails.
    void seek(std::size_t position);
    std::size_t remaining() const { return data_.size() - pos_; }
    std::size_t size() const { return data_.size(); }
    bool at_end() const { return pos_ == data_.size(); }
    bool ok() const { return ok_; }
    // Marks the input as malformed for reasons the reader cannot see (bad label type, …).
    void fail() { ok_ = false; }
    std::span<const std::uint8_t> data() const { return data_; }

private:
    bool take(std::size_t n);

    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

}  // namespace layer7::core
