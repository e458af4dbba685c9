// The avcC record: see avc_config.hpp.
#include "rtp/avc_config.hpp"

#include "core/bytes/wire_reader.hpp"

namespace layer7::rtp::h264 {

std::optional<AvcConfig> decode_avc_config(std::span<const std::uint8_t> record)
{
    // version, profile, compatibility, level, 6 reserved bits + lengthSizeMinusOne,
    // 3 reserved bits + SPS count, (u16 length, SPS)…, PPS count, (u16 length, PPS)…
    core::WireReader in(record);
    if (in.u8() != 1)
        return std::nullopt;
    in.skip(3);
    AvcConfig config;
    config.length_size = (in.u8() & 3u) + 1;
    if (config.length_size == 3)
        return std::nullopt;  // lengthSizeMinusOne 2 is not allowed (§5.3.3.1.2)
    for (auto* sets : {&config.sps, &config.pps}) {
        const std::size_t count = sets == &config.sps ? in.u8() & 0x1fu : in.u8();
        for (std::size_t i = 0; i < count && in.ok(); ++i) {
            const auto nal = in.bytes(in.u16());
            if (nal.empty())
                in.fail();  // a NAL unit has at least its header byte
            sets->emplace_back(nal.begin(), nal.end());
        }
    }
    if (!in.ok())
        return std::nullopt;
    return config;
}

}  // namespace layer7::rtp::h264
