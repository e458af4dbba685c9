// avcC records as ffmpeg's DASH muxer writes them (x264, two renditions), then every way one can
// be cut short or out of range.
#include "rtp/avc_config.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtp/h264_sps.hpp"

#include "../hex.hpp"

namespace layer7::rtp::h264 {
namespace {

// init-stream0.m4s of a 320x180 rendition: one SPS, one PPS, 4-byte NAL lengths
const std::string low = "0142c00dffe100176742c00dda05067e7c0440000003004000000c83c50aa801000468ce3c80";

TEST(AvcConfig, DecodesFfmpegsRecord)
{
    const auto config = decode_avc_config(from_hex(low));
    ASSERT_TRUE(config);
    EXPECT_EQ(config->length_size, 4u);
    ASSERT_EQ(config->sps.size(), 1u);
    ASSERT_EQ(config->pps.size(), 1u);
    EXPECT_EQ(config->sps[0], from_hex("6742c00dda05067e7c0440000003004000000c83c50aa8"));
    EXPECT_EQ(config->pps[0], from_hex("68ce3c80"));
    EXPECT_EQ(sps_picture_size(config->sps[0]), (PictureSize{320, 180}));
}

TEST(AvcConfig, LengthSizesAndSeveralSets)
{
    // lengthSizeMinusOne 0 and 1; two SPS and no PPS; trailing High-profile bytes are ignored
    auto r = from_hex(
        "0164001ffc"
        "e2"
        "00026701"
        "0003670203"
        "00"
        "fdf8f800");
    auto config = decode_avc_config(r);
    ASSERT_TRUE(config);
    EXPECT_EQ(config->length_size, 1u);
    EXPECT_EQ(config->sps, (std::vector<std::vector<std::uint8_t>>{{0x67, 0x01}, {0x67, 0x02, 0x03}}));
    EXPECT_TRUE(config->pps.empty());
    r[4] = 0xfd;
    EXPECT_EQ(decode_avc_config(r)->length_size, 2u);
    r[4] = 0xfe;  // lengthSizeMinusOne 2: not a length the format allows
    EXPECT_FALSE(decode_avc_config(r));
}

TEST(AvcConfig, CutShortOrWrongVersionOrEmptyUnit)
{
    const auto r = from_hex(low);
    for (std::size_t n = 0; n < r.size(); ++n)  // every cut ends inside the PPS list
        EXPECT_FALSE(decode_avc_config(std::span(r).first(n))) << n;
    auto v2 = r;
    v2[0] = 2;
    EXPECT_FALSE(decode_avc_config(v2));
    EXPECT_FALSE(
        decode_avc_config(from_hex("0142c00dffe1"
                                   "0000"
                                   "00")));  // a zero-length SPS
}

}  // namespace
}  // namespace layer7::rtp::h264
