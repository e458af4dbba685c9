// The picture size of real SPS units (x264's, made with ffmpeg): baseline, High with cropping,
// High 4:4:4 with odd sizes, interlaced; and units that are cut short or are not an SPS.
#include "rtp/h264_sps.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../hex.hpp"

namespace layer7::rtp::h264 {
namespace {

TEST(H264Sps, SizesOfRealParameterSets)
{
    EXPECT_EQ(sps_picture_size(from_hex("6742c00dd90141fb011000000300100000030320f142a480")), (PictureSize{320, 240}));
    // 1080 lines are 68 macroblock rows cropped by 8
    EXPECT_EQ(sps_picture_size(from_hex("67640028acd940780227e5c044000003000400000300c83c60c658")),
              (PictureSize{1920, 1080}));
    // 4:4:4 crops in single pixels
    EXPECT_EQ(sps_picture_size(from_hex("67f4001e919b281485fc7cf808800000030080000019078b16cb")),
              (PictureSize{642, 362}));
    // interlaced: map units are field macroblock pairs
    EXPECT_EQ(sps_picture_size(from_hex("67640015acd941612d808800000300080000030190f8a14cb0")),
              (PictureSize{352, 288}));
}

TEST(H264Sps, CutShortOrNotAnSps)
{
    const auto sps = from_hex("67640028acd940780227e5c044000003000400000300c83c60c658");
    for (std::size_t n = 0; n < 7; ++n)  // everything up to the size fields is needed
        EXPECT_FALSE(sps_picture_size(std::span(sps).first(n))) << n;
    auto pps = sps;
    pps[0] = 0x68;
    EXPECT_FALSE(sps_picture_size(pps));
    EXPECT_FALSE(sps_picture_size(std::vector<std::uint8_t>(40, 0)));  // an Exp-Golomb code that never ends
}

}  // namespace
}  // namespace layer7::rtp::h264
