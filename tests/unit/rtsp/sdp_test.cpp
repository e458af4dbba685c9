#include "rtsp/sdp.hpp"

#include <gtest/gtest.h>

namespace layer7::rtsp {
namespace {

// What ffmpeg's RTSP muxer announces for an H.264 + AAC stream.
constexpr std::string_view ffmpeg_sdp =
    "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=No Name\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\na=tool:libavformat 59.27.100\r\n"
    "m=video 0 RTP/AVP 96\r\nb=AS:200\r\na=rtpmap:96 H264/90000\r\n"
    "a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z2QACqzZRifmwFqAgICgAAADACAAAAMDwHiRLLA=,aOvjyyLA; "
    "profile-level-id=64000A\r\n"
    "a=control:streamid=0\r\n"
    "m=audio 0 RTP/AVP 97\r\nb=AS:128\r\na=rtpmap:97 MPEG4-GENERIC/44100/2\r\n"
    "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=121056E500\r\n"
    "a=control:streamid=1\r\n";

TEST(Sdp, ReadsWhatFfmpegAnnounces)
{
    auto sdp = parse_sdp(ffmpeg_sdp);
    ASSERT_TRUE(sdp.ok());
    ASSERT_EQ(sdp->media.size(), 2u);
    EXPECT_EQ(sdp->attribute("tool"), "libavformat 59.27.100");
    const Media& video = sdp->media[0];
    EXPECT_EQ(video.kind, "video");
    EXPECT_EQ(video.control(), "streamid=0");
    EXPECT_EQ(video.rtpmap()->encoding, "H264");
    EXPECT_EQ(clock_rate_of(video), 90000u);
    EXPECT_TRUE(video.fmtp().starts_with("packetization-mode=1"));
    auto audio = sdp->media[1].rtpmap();
    EXPECT_EQ(audio->clock_rate, 44100u);
    EXPECT_EQ(audio->channels, 2);
    EXPECT_EQ(to_string(*sdp), ffmpeg_sdp);
}

TEST(Sdp, ControlCanBeRewritten)
{
    auto sdp = parse_sdp(ffmpeg_sdp);
    sdp->media[1].set_attribute("control", "trackID=1");
    EXPECT_EQ(sdp->media[1].control(), "trackID=1");
}

TEST(Sdp, RejectsWhatIsNotSdp)
{
    EXPECT_EQ(parse_sdp("").error(), SdpError::no_version);
    EXPECT_EQ(parse_sdp("v=1\r\n").error(), SdpError::no_version);
    EXPECT_EQ(parse_sdp("v=0\r\nm=video\r\n").error(), SdpError::bad_media);
    EXPECT_EQ(parse_sdp("v=0\r\nXX\r\n").error(), SdpError::bad_line);
    EXPECT_EQ(parse_sdp("v=0\r\nm=a 1 RTP/AVP 0\r\nm=b 1 RTP/AVP 0\r\n", {.max_media = 1}).error(), SdpError::too_many);
    EXPECT_EQ(clock_rate_of(parse_sdp("v=0\r\nm=audio 0 RTP/AVP 0\r\n")->media[0]), 8000u);
}

}  // namespace
}  // namespace layer7::rtsp
