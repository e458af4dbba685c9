// The picture size an H.264 sequence parameter set gives (ITU-T H.264 §7.3.2.1.1, §7.4.2.1.1):
// what a container's header needs before the first picture. Pure; never reads past the NAL.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace layer7::rtp::h264 {

struct PictureSize {
    int width = 0, height = 0;
    bool operator==(const PictureSize&) const = default;
};

// From an SPS NAL unit (its header byte first, emulation prevention bytes still in); nullopt when
// it is not an SPS or is cut short.
std::optional<PictureSize> sps_picture_size(std::span<const std::uint8_t> nal);

}  // namespace layer7::rtp::h264
