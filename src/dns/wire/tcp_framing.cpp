// TCP framing: see tcp_framing.hpp.
#include "dns/wire/tcp_framing.hpp"

namespace layer7::dns {

void TcpFramer::feed(std::span<const std::uint8_t> bytes)
{
    if (start_ > 0 && start_ == buffer_.size()) {
        buffer_.clear();
        start_ = 0;
    } else if (start_ > 4096 && start_ * 2 > buffer_.size()) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
        start_ = 0;
    }
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

std::optional<std::span<const std::uint8_t>> TcpFramer::next()
{
    if (error_ != FrameError::none || buffered() < 2)
        return std::nullopt;
    const std::size_t length = std::size_t{buffer_[start_]} << 8 | buffer_[start_ + 1];
    if (length == 0 || length < limits_.min_message) {
        error_ = length == 0 ? FrameError::empty_message : FrameError::too_short;
        return std::nullopt;
    }
    if (buffered() < 2 + length)
        return std::nullopt;
    std::span<const std::uint8_t> message(buffer_.data() + start_ + 2, length);
    start_ += 2 + length;
    return message;
}

std::vector<std::uint8_t> frame(std::span<const std::uint8_t> message)
{
    std::vector<std::uint8_t> out;
    if (message.size() <= 0xffff) {
        out.reserve(message.size() + 2);
        append_frame(message, out);
    }
    return out;
}

bool append_frame(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& out)
{
    if (message.size() > 0xffff)
        return false;
    out.push_back(static_cast<std::uint8_t>(message.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(message.size() & 0xff));
    out.insert(out.end(), message.begin(), message.end());
    return true;
}

std::string_view to_string(FrameError e)
{
    switch (e) {
    case FrameError::none: return "no error";
    case FrameError::empty_message: return "zero-length message";
    case FrameError::too_short: return "message shorter than a DNS header";
    }
    return "unknown";
}

}  // namespace layer7::dns
