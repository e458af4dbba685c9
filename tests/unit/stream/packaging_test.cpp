#include "stream/packaging.hpp"

#include <algorithm>

#include <gtest/gtest.h>

using namespace layer7::stream;

namespace {
// The value after `flag`, or "" when the flag is absent.
std::string after(const std::vector<std::string>& a, const std::string& flag)
{
    auto it = std::find(a.begin(), a.end(), flag);
    return it == a.end() || it + 1 == a.end() ? std::string() : *(it + 1);
}
}  // namespace

TEST(StreamPackaging, ALadderOfAlignedRenditionsIntoAnMpd)
{
    PackageOptions o;
    o.input = "in put.mp4";  // passed as one argument: no shell, no quoting
    o.out_dir = "/tmp/out";
    const auto a = ffmpeg_arguments("/usr/bin/ffmpeg", o);
    EXPECT_EQ(a[0], "/usr/bin/ffmpeg");
    EXPECT_EQ(after(a, "-i"), "in put.mp4");
    EXPECT_EQ(std::count(a.begin(), a.end(), "0:v:0"), 3);
    EXPECT_EQ(after(a, "-map"), "0:v:0");
    EXPECT_NE(std::find(a.begin(), a.end(), "0:a:0?"), a.end());  // audio when the input has some
    EXPECT_EQ(after(a, "-filter:v:2"), "scale=-2:720");
    EXPECT_EQ(after(a, "-b:v:0"), "300k");
    EXPECT_EQ(after(a, "-maxrate:v:1"), "960k");
    EXPECT_EQ(after(a, "-force_key_frames"), "expr:gte(t,n_forced*2)");
    EXPECT_EQ(after(a, "-seg_duration"), "2");
    EXPECT_EQ(after(a, "-f"), "dash");
    EXPECT_EQ(a.back(), "/tmp/out/manifest.mpd");
}

TEST(StreamPackaging, ATestPatternHasItsOwnSources)
{
    PackageOptions o;
    o.test_pattern = 12.5;
    o.segment_seconds = 1;
    o.out_dir = "d";
    const auto a = ffmpeg_arguments("ffmpeg", o);
    EXPECT_EQ(after(a, "-f"), "lavfi");
    EXPECT_EQ(after(a, "-t"), "12.5");
    EXPECT_NE(std::find(a.begin(), a.end(), "1:a:0"), a.end());
    EXPECT_EQ(after(a, "-force_key_frames"), "expr:gte(t,n_forced*1)");
}
