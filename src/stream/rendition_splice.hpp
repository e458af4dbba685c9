// Splicing the H.264 samples of several renditions into one track (stream play --out). A DASH
// rendition may keep its SPS/PPS only in its init segment (avcC, out of band), and renditions
// disagree on them (picture size, level), so a sample of one decoded with another's parameter sets
// is garbage. The splice puts the parameter sets in band, in front of the first sample after each
// change of them, and rewrites NAL lengths to 4 bytes: the track plays through every switch at the
// renditions' own picture sizes (an 'avc3' sample entry says parameter sets come in band). Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "rtp/avc_config.hpp"

namespace layer7::stream {

// Rewrites a sample's NAL units from `from`-byte to `to`-byte lengths (1, 2 or 4) and appends
// them to `out`; false, with `out` as it was, when a length runs past the sample or does not fit.
bool append_relengthed(std::span<const std::uint8_t> sample, std::size_t from, std::size_t to, std::string& out);

// A rendition's parameter sets as NAL units with 4-byte lengths, SPS before PPS.
std::string in_band_parameter_sets(const rtp::h264::AvcConfig& config);

class RenditionSplice {
public:
    static constexpr std::size_t length_size = 4;  // of the NAL lengths in the samples it returns

    // The samples that follow are described by this avcC (their rendition's init segment); false
    // when it cannot be decoded (the caller skips those samples).
    bool begin(std::span<const std::uint8_t> avcc);
    // One sample as the output track carries it: the parameter sets in front when they differ from
    // those of the last sample returned (or none was). nullopt for a sample whose NAL lengths do
    // not add up, or when no begin() succeeded.
    std::optional<std::string> sample(std::span<const std::uint8_t> data);
    // How many times the parameter sets changed between samples returned: the switches a player sees.
    std::size_t switches() const { return switches_; }

private:
    std::optional<rtp::h264::AvcConfig> config_;    // of the samples to come
    std::optional<rtp::h264::AvcConfig> in_force_;  // of the last sample returned
    std::size_t switches_ = 0;
};

}  // namespace layer7::stream
