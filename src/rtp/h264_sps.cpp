// The SPS picture size: see h264_sps.hpp.
#include "rtp/h264_sps.hpp"

#include <vector>

namespace layer7::rtp::h264 {

namespace {

// Reads the SPS bits MSB first, Exp-Golomb codes included (§9.1); any read past the end fails.
class Bits {
public:
    explicit Bits(std::vector<std::uint8_t> rbsp) : data_(std::move(rbsp)) {}
    bool ok() const { return ok_; }

    std::uint32_t bit()
    {
        if (at_ >= data_.size() * 8) {
            ok_ = false;
            return 0;
        }
        const std::uint32_t b = data_[at_ / 8] >> (7 - at_ % 8) & 1;
        ++at_;
        return b;
    }
    std::uint32_t bits(int n)
    {
        std::uint32_t v = 0;
        while (n-- > 0)
            v = v << 1 | bit();
        return v;
    }
    std::uint32_t ue()
    {
        int zeros = 0;
        while (ok_ && bit() == 0)
            if (++zeros > 31) {
                ok_ = false;
                return 0;
            }
        return ok_ ? static_cast<std::uint32_t>((std::uint64_t{1} << zeros) - 1 + bits(zeros)) : 0;
    }
    std::int32_t se()
    {
        const std::uint32_t k = ue();
        return k % 2 ? static_cast<std::int32_t>((k + 1) / 2) : -static_cast<std::int32_t>(k / 2);
    }

private:
    std::vector<std::uint8_t> data_;
    std::size_t at_ = 0;
    bool ok_ = true;
};

// The RBSP: every 00 00 03 loses its 03 (§7.4.1).
std::vector<std::uint8_t> unescape(std::span<const std::uint8_t> nal)
{
    std::vector<std::uint8_t> out;
    int zeros = 0;
    for (std::uint8_t b : nal) {
        if (zeros >= 2 && b == 3) {
            zeros = 0;
            continue;
        }
        zeros = b == 0 ? zeros + 1 : 0;
        out.push_back(b);
    }
    return out;
}

void skip_scaling_list(Bits& in, int size)
{
    int last = 8, next = 8;
    for (int j = 0; j < size && in.ok(); ++j) {
        if (next != 0)
            next = (last + in.se() + 256) % 256;
        last = next == 0 ? last : next;
    }
}

bool has_chroma_fields(std::uint32_t profile)
{
    for (std::uint32_t p : {100u, 110u, 122u, 244u, 44u, 83u, 86u, 118u, 128u, 138u, 139u, 134u, 135u})
        if (profile == p)
            return true;
    return false;
}

}  // namespace

std::optional<PictureSize> sps_picture_size(std::span<const std::uint8_t> nal)
{
    if (nal.empty() || (nal[0] & 0x1f) != 7)
        return std::nullopt;
    Bits in(unescape(nal.subspan(1)));
    const std::uint32_t profile = in.bits(8);
    in.bits(16);  // constraint flags, level
    in.ue();      // seq_parameter_set_id
    std::uint32_t chroma_format = 1;
    bool separate_planes = false;
    if (has_chroma_fields(profile)) {
        chroma_format = in.ue();
        if (chroma_format == 3)
            separate_planes = in.bit();
        in.ue();       // bit depth luma
        in.ue();       // bit depth chroma
        in.bit();      // qpprime_y_zero_transform_bypass
        if (in.bit())  // seq_scaling_matrix_present
            for (int i = 0; i < (chroma_format != 3 ? 8 : 12) && in.ok(); ++i)
                if (in.bit())
                    skip_scaling_list(in, i < 6 ? 16 : 64);
    }
    in.ue();  // log2_max_frame_num
    const std::uint32_t poc_type = in.ue();
    if (poc_type == 0) {
        in.ue();
    } else if (poc_type == 1) {
        in.bit();
        in.se();
        in.se();
        const std::uint32_t cycle = in.ue();
        for (std::uint32_t i = 0; i < cycle && in.ok(); ++i)
            in.se();
    }
    in.ue();   // max_num_ref_frames
    in.bit();  // gaps_in_frame_num_value_allowed
    const std::uint32_t width_mbs = in.ue() + 1;
    const std::uint32_t height_units = in.ue() + 1;
    const std::uint32_t frame_mbs_only = in.bit();
    if (!frame_mbs_only)
        in.bit();                          // mb_adaptive_frame_field
    in.bit();                              // direct_8x8_inference
    std::uint32_t crop[4] = {0, 0, 0, 0};  // left, right, top, bottom
    if (in.bit())
        for (auto& c : crop)
            c = in.ue();
    if (!in.ok() || chroma_format > 3 || width_mbs > 2048 || height_units > 2048)
        return std::nullopt;
    // crop units (§7.4.2.1.1, Table 6-1): chroma subsampling, and field pairs count twice
    const std::uint32_t field_factor = 2 - frame_mbs_only;
    const bool mono = chroma_format == 0 || separate_planes;
    const std::uint32_t unit_x = mono || chroma_format == 3 ? 1 : 2;
    const std::uint32_t unit_y = (mono || chroma_format != 1 ? 1 : 2) * field_factor;
    const std::int64_t width = std::int64_t{width_mbs} * 16 - std::int64_t{unit_x} * (crop[0] + crop[1]);
    const std::int64_t height =
        std::int64_t{height_units} * 16 * field_factor - std::int64_t{unit_y} * (crop[2] + crop[3]);
    if (width <= 0 || height <= 0)
        return std::nullopt;
    return PictureSize{static_cast<int>(width), static_cast<int>(height)};
}

}  // namespace layer7::rtp::h264
