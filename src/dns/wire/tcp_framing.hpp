// DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766 §8): each message behind a two-octet length.
// TcpFramer takes bytes as they arrive and hands out whole messages, so a client may pipeline
// several queries in one segment or split one query over many. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace layer7::dns {

enum class FrameError {
    none,
    empty_message,  // length 0: no DNS message is shorter than its 12-octet header
    too_short,      // length under 12: cannot be a message; the stream is out of step
};

struct FrameLimits {
    std::size_t min_message = 12;  // a DNS header (RFC 1035 §4.1.1)
};

class TcpFramer {
public:
    explicit TcpFramer(FrameLimits limits = {}) : limits_(limits) {}
    void feed(std::span<const std::uint8_t> bytes);
    // The next whole message, valid until the next feed(); nullopt when more bytes are needed
    // or after an error.
    std::optional<std::span<const std::uint8_t>> next();
    FrameError error() const { return error_; }
    std::size_t buffered() const { return buffer_.size() - start_; }

private:
    FrameLimits limits_;
    std::vector<std::uint8_t> buffer_;
    std::size_t start_ = 0;  // first unconsumed octet
    FrameError error_ = FrameError::none;
};

// The message behind its length prefix; messages over 65535 octets cannot be framed (empty result).
std::vector<std::uint8_t> frame(std::span<const std::uint8_t> message);
// The same appended to `out` (several replies in one write); false, and nothing appended, over
// 65535 octets.
bool append_frame(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& out);
std::string_view to_string(FrameError e);

}  // namespace layer7::dns
