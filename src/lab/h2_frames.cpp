#include "lab/h2_frames.hpp"

#include <algorithm>
#include <cstdint>

#include "http/h2/frame_text.hpp"

namespace layer7::lab {

namespace {

constexpr std::size_t header_size = 9;  // length (24 bits), type, flags, stream (31 bits)
constexpr std::uint8_t data = 0x0, headers = 0x1, end_stream = 0x1;

std::string line(std::string_view h)
{
    auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(h[i])); };
    const std::uint32_t length = byte(0) << 16 | byte(1) << 8 | byte(2);
    const std::uint8_t type = static_cast<std::uint8_t>(byte(3)), flags = static_cast<std::uint8_t>(byte(4));
    const std::uint32_t stream = (byte(5) << 24 | byte(6) << 16 | byte(7) << 8 | byte(8)) & 0x7fffffffu;
    std::string text = std::string(http::h2::frame_type_name(type));
    if (stream != 0)
        text += " stream=" + std::to_string(stream);
    text += " length=" + std::to_string(length);
    if ((type == data || type == headers) && (flags & end_stream))
        text += " END_STREAM";
    return text;
}

std::size_t payload_length(std::string_view h)
{
    return static_cast<std::size_t>(static_cast<unsigned char>(h[0])) << 16 |
           static_cast<std::size_t>(static_cast<unsigned char>(h[1])) << 8 | static_cast<unsigned char>(h[2]);
}

}  // namespace

std::vector<std::string> H2FrameLines::feed(std::string_view bytes)
{
    std::vector<std::string> lines;
    if (preface_left_ > 0) {
        const std::size_t n = std::min(preface_left_, bytes.size());
        preface_left_ -= n;
        bytes.remove_prefix(n);
        if (preface_left_ == 0)
            lines.emplace_back("connection preface");
    }
    while (!bytes.empty()) {
        if (header_.size() < header_size) {
            const std::size_t n = std::min(header_size - header_.size(), bytes.size());
            header_.append(bytes.substr(0, n));
            bytes.remove_prefix(n);
            if (header_.size() < header_size)
                break;
            payload_left_ = payload_length(header_);
        }
        const std::size_t n = std::min(payload_left_, bytes.size());
        payload_left_ -= n;
        bytes.remove_prefix(n);
        if (payload_left_ > 0)
            break;
        lines.push_back(line(header_));
        header_.clear();
    }
    return lines;
}

}  // namespace layer7::lab
