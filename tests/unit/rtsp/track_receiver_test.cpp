#include "rtsp/track_receiver.hpp"

#include <gtest/gtest.h>

#include "rtp/packet.hpp"
#include "rtp/rtcp.hpp"

namespace layer7::rtsp {
namespace {

Media h264_media()
{
    return parse_sdp("v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                     "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHg==,aM4=\r\n")
        ->media[0];
}

std::vector<std::uint8_t> packet(std::uint16_t seq, std::uint32_t ts, std::vector<std::uint8_t> payload)
{
    rtp::Packet p;
    p.payload_type = 96;
    p.sequence = seq;
    p.timestamp = ts;
    p.ssrc = 42;
    p.marker = true;
    p.payload = payload;
    std::vector<std::uint8_t> wire;
    rtp::encode(p, wire);
    return wire;
}

TEST(TrackReceiver, PlaysInOrderAfterTheDelayAndCountsWhatHappened)
{
    TrackReceiver r(h264_media(), 100'000);
    EXPECT_TRUE(r.is_h264());
    EXPECT_EQ(r.parameter_sets(), std::string("\0\0\0\1\x67\x42\xc0\x1e\0\0\0\1\x68\xce", 14));
    // two in order end RFC 3550 A.1's probation; then 4 overtakes 3
    r.on_rtp(packet(1, 0, {0x41, 1}), 0);
    r.on_rtp(packet(2, 900, {0x41, 2}), 10'000);
    r.on_rtp(packet(4, 2700, {0x41, 4}), 20'000);
    r.on_rtp(packet(3, 1800, {0x41, 3}), 30'000);
    std::string out;
    r.play(50'000, &out);
    EXPECT_TRUE(out.empty());  // nothing before the playout delay
    r.play(130'000, &out);
    EXPECT_EQ(out, std::string("\0\0\0\1\x41\1\0\0\0\1\x41\2\0\0\0\1\x41\3\0\0\0\1\x41\4", 24));
    const auto c = r.counters();
    EXPECT_EQ(c.played, 4u);
    EXPECT_EQ(c.reordered, 1u);
    EXPECT_EQ(c.lost, 0);
    EXPECT_EQ(c.buffered, 0u);
}

TEST(TrackReceiver, AnswersSendersAndNoticesBye)
{
    TrackReceiver r(h264_media(), 0);
    EXPECT_TRUE(r.receiver_report(7, 0).empty());  // nothing heard yet
    r.on_rtp(packet(1, 0, {0x41}), 0);
    r.on_rtp(packet(2, 900, {0x41}), 10'000);
    std::vector<std::uint8_t> sr;
    rtp::encode(rtp::SenderReport{42, 0x0001234500000000ull, 900, 2, 4, {}}, sr);
    r.on_rtcp(sr, 20'000);
    auto report = rtp::decode_rtcp(r.receiver_report(7, 520'000));
    ASSERT_TRUE(report.ok());
    const auto& rr = std::get<rtp::ReceiverReport>(report->at(0));
    ASSERT_EQ(rr.blocks.size(), 1u);
    EXPECT_EQ(rr.blocks[0].ssrc, 42u);
    EXPECT_EQ(rr.blocks[0].last_sr, 0x23450000u);
    EXPECT_EQ(rr.blocks[0].delay_since_last_sr, 32768u);  // 0.5 s in 1/65536 s
    std::vector<std::uint8_t> bye;
    rtp::encode(rtp::Bye{{42}, ""}, bye);
    EXPECT_FALSE(r.ended());
    r.on_rtcp(bye, 30'000);
    EXPECT_TRUE(r.ended());
}

}  // namespace
}  // namespace layer7::rtsp
