// The splice of renditions into one H.264 track: NAL lengths rewritten between sizes (cut, overlong
// and empty units), and parameter sets put in band exactly where the samples' sets change — the
// avcC records are those of two renditions ffmpeg's DASH muxer made (320x180 and 640x360).
#include "stream/rendition_splice.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../hex.hpp"

using namespace layer7::stream;

namespace {

std::string str(const std::vector<std::uint8_t>& v)
{
    return {v.begin(), v.end()};
}

const auto low = from_hex("0142c00dffe100176742c00dda05067e7c0440000003004000000c83c50aa801000468ce3c80");
const auto high = from_hex("0142c01effe100196742c01eda0280bfe5c044000003000400000300c83c58ba8001000468ce3c80");
const auto low_sets = from_hex(
    "00000017"
    "6742c00dda05067e7c0440000003004000000c83c50aa8"
    "00000004"
    "68ce3c80");
const auto high_sets = from_hex(
    "00000019"
    "6742c01eda0280bfe5c044000003000400000300c83c58ba80"
    "00000004"
    "68ce3c80");
const auto idr = from_hex("0000000365888a");  // one IDR slice NAL, 4-byte length
const auto slice = from_hex(
    "00000002419a"
    "0000000141");  // two NAL units

}  // namespace

TEST(StreamRenditionSplice, RelengthsBetweenSizes)
{
    std::string out = "x";
    ASSERT_TRUE(append_relengthed(from_hex("0003aabbcc"
                                           "0001dd"),
                                  2, 4, out));
    EXPECT_EQ(out, "x" + str(from_hex("00000003aabbcc"
                                      "00000001dd")));
    out.clear();
    ASSERT_TRUE(append_relengthed(from_hex("00000003aabbcc"), 4, 1, out));
    EXPECT_EQ(out, str(from_hex("03aabbcc")));
    out.clear();
    ASSERT_TRUE(append_relengthed(from_hex("00000000"
                                           "00000001dd"),
                                  4, 4, out));  // an empty unit is dropped
    EXPECT_EQ(out, str(from_hex("00000001dd")));
    EXPECT_FALSE(append_relengthed(from_hex("00"), 1, 3, out));  // 3 is no NAL length size
}

TEST(StreamRenditionSplice, MalformedSamplesLeaveTheOutputAsItWas)
{
    const auto good = from_hex("00000003aabbcc");
    for (std::size_t n = 1; n < good.size(); ++n) {  // every cut: inside the length or the unit
        std::string out = "kept";
        EXPECT_FALSE(append_relengthed(std::span(good).first(n), 4, 4, out)) << n;
        EXPECT_EQ(out, "kept");
    }
    std::string out = "kept";
    std::vector<std::uint8_t> big(2 + 300, 0x41);
    big[0] = 0x01, big[1] = 0x2c;  // 300 bytes: too long for a 1-byte length, fits at 255 + 1
    EXPECT_FALSE(append_relengthed(big, 2, 1, out));
    EXPECT_EQ(out, "kept");
    std::vector<std::uint8_t> edge(2 + 255, 0x41);
    edge[0] = 0x00, edge[1] = 0xff;
    EXPECT_TRUE(append_relengthed(edge, 2, 1, out));
    EXPECT_EQ(out.size(), 4u + 1 + 255);
}

TEST(StreamRenditionSplice, ParameterSetsGoInBandWhereTheyChange)
{
    RenditionSplice s;
    EXPECT_FALSE(s.sample(idr));  // nothing begun
    ASSERT_TRUE(s.begin(low));
    EXPECT_EQ(s.sample(idr), str(low_sets) + str(idr));  // the first sample carries its sets too
    EXPECT_EQ(s.sample(slice), str(slice));
    ASSERT_TRUE(s.begin(low));  // the next segment of the same rendition: nothing added
    EXPECT_EQ(s.sample(slice), str(slice));
    EXPECT_EQ(s.switches(), 0u);
    ASSERT_TRUE(s.begin(high));  // switch up
    EXPECT_EQ(s.sample(idr), str(high_sets) + str(idr));
    EXPECT_EQ(s.sample(slice), str(slice));
    ASSERT_TRUE(s.begin(low));  // and down again
    EXPECT_EQ(s.sample(idr), str(low_sets) + str(idr));
    EXPECT_EQ(s.switches(), 2u);
}

TEST(StreamRenditionSplice, ABadRecordOrSampleIsRefused)
{
    RenditionSplice s;
    ASSERT_TRUE(s.begin(low));
    EXPECT_FALSE(s.sample(from_hex("0000000965")));      // a length past the sample
    EXPECT_EQ(s.sample(idr), str(low_sets) + str(idr));  // the sets still come with the first sample written
    EXPECT_FALSE(s.begin(from_hex("0142")));
    EXPECT_FALSE(s.sample(idr));  // until a record that decodes
    ASSERT_TRUE(s.begin(high));
    EXPECT_EQ(s.sample(idr), str(high_sets) + str(idr));
    EXPECT_EQ(s.switches(), 1u);
}

TEST(StreamRenditionSplice, ShortLengthRenditionsComeOutWithFourByteLengths)
{
    auto two = low;
    two[4] = 0xfd;  // lengthSizeMinusOne 1
    RenditionSplice s;
    ASSERT_TRUE(s.begin(two));
    EXPECT_EQ(s.sample(from_hex("000365888a")), str(low_sets) + str(idr));
}
