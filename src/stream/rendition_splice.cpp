// Splicing renditions into one H.264 track: see rendition_splice.hpp.
#include "stream/rendition_splice.hpp"

namespace layer7::stream {

namespace {

bool valid_size(std::size_t n)
{
    return n == 1 || n == 2 || n == 4;
}

void put_length(std::size_t value, std::size_t size, std::string& out)
{
    for (std::size_t i = size; i-- > 0;)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

bool same_sets(const rtp::h264::AvcConfig& a, const rtp::h264::AvcConfig& b)
{
    return a.sps == b.sps && a.pps == b.pps;
}

}  // namespace

bool append_relengthed(std::span<const std::uint8_t> sample, std::size_t from, std::size_t to, std::string& out)
{
    if (!valid_size(from) || !valid_size(to))
        return false;
    const std::size_t start = out.size();
    const std::uint64_t limit = (std::uint64_t{1} << (8 * to)) - 1;
    std::size_t at = 0;
    while (at < sample.size()) {
        if (sample.size() - at < from) {  // a length cut short
            out.resize(start);
            return false;
        }
        std::size_t n = 0;
        for (std::size_t i = 0; i < from; ++i)
            n = n << 8 | sample[at + i];
        at += from;
        if (n > sample.size() - at || n > limit) {  // runs past the sample, or too long for `to`
            out.resize(start);
            return false;
        }
        if (n > 0) {  // an empty NAL unit carries nothing: dropped
            put_length(n, to, out);
            out.append(reinterpret_cast<const char*>(sample.data() + at), n);
        }
        at += n;
    }
    return true;
}

std::string in_band_parameter_sets(const rtp::h264::AvcConfig& config)
{
    std::string out;
    for (const auto* sets : {&config.sps, &config.pps})
        for (const auto& nal : *sets) {
            put_length(nal.size(), 4, out);  // the record's u16 lengths always fit
            out.append(reinterpret_cast<const char*>(nal.data()), nal.size());
        }
    return out;
}

bool RenditionSplice::begin(std::span<const std::uint8_t> avcc)
{
    config_ = rtp::h264::decode_avc_config(avcc);
    return config_.has_value();
}

std::optional<std::string> RenditionSplice::sample(std::span<const std::uint8_t> data)
{
    if (!config_)
        return std::nullopt;
    std::string out;
    const bool changed = !in_force_ || !same_sets(*in_force_, *config_);
    if (changed)
        out = in_band_parameter_sets(*config_);
    if (!append_relengthed(data, config_->length_size, length_size, out))
        return std::nullopt;
    if (changed && in_force_)
        ++switches_;
    if (changed)
        in_force_ = config_;
    return out;
}

}  // namespace layer7::stream
