// Bitfield: which pieces a peer has, in the wire order of BEP 3's bitfield message (the high bit
// of the first byte is piece 0; spare bits at the end must be zero) (pure).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::torrent {

class Bitfield {
public:
    Bitfield() = default;
    explicit Bitfield(std::size_t pieces, bool all = false) : bits_(pieces, all), count_(all ? pieces : 0) {}

    // The bitfield message's payload for `pieces` pieces; nullopt when its size is wrong or a
    // spare bit is set (BEP 3: "clients should drop the connection").
    static std::optional<Bitfield> from_wire(std::string_view bytes, std::size_t pieces);
    std::string to_wire() const;

    std::size_t size() const { return bits_.size(); }
    std::size_t count() const { return count_; }
    bool all() const { return count_ == bits_.size(); }
    bool none() const { return count_ == 0; }
    bool test(std::size_t i) const { return i < bits_.size() && bits_[i]; }
    void set(std::size_t i);

private:
    std::vector<bool> bits_;
    std::size_t count_ = 0;
};

}  // namespace layer7::torrent
