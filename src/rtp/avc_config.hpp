// The AVC decoder configuration record (ISO/IEC 14496-15 §5.3.3.1, the MP4 sample entry's 'avcC'):
// how many bytes prefix each NAL unit of a sample, and the parameter sets kept out of band. MP4
// files served over RTSP and DASH renditions read it. Pure; never reads past its input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace layer7::rtp::h264 {

struct AvcConfig {
    std::size_t length_size = 4;                      // bytes of each NAL unit's length in a sample: 1, 2 or 4
    std::vector<std::vector<std::uint8_t>> sps, pps;  // NAL units, header byte first
};

// nullopt when it is not version 1, is cut short, or names a length size of 3 (which the record
// cannot express as a valid value). Bytes after the PPS list (High profile extensions) are ignored.
std::optional<AvcConfig> decode_avc_config(std::span<const std::uint8_t> record);

}  // namespace layer7::rtp::h264
