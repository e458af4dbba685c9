#include "rtsp/track_receiver.hpp"

#include <gtest/gtest.h>

#include "rtp/packet.hpp"
#include "rtp/rtcp.hpp"

namespace layer7::rtsp {
namespace {

Media h264_media()
{
    return parse_sdp(
               "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
               "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHg==,aM4=\r\n")
        ->media[0];
}

Media audio_media(const std::string& rtpmap, const std::string& fmtp = "")
{
    return parse_sdp("v=0\r\nm=audio 0 RTP/AVP 97\r\na=rtpmap:97 " + rtpmap + "\r\n" +
                     (fmtp.empty() ? "" : "a=fmtp:97 " + fmtp + "\r\n"))
        ->media[0];
}

std::vector<std::uint8_t> packet(std::uint16_t seq, std::uint32_t ts, std::vector<std::uint8_t> payload,
                                 bool marker = true)
{
    rtp::Packet p;
    p.payload_type = 96;
    p.sequence = seq;
    p.timestamp = ts;
    p.ssrc = 42;
    p.marker = marker;
    p.payload = payload;
    std::vector<std::uint8_t> wire;
    rtp::encode(p, wire);
    return wire;
}

TEST(TrackReceiver, PlaysInOrderAfterTheDelayAndCountsWhatHappened)
{
    TrackReceiver r(h264_media(), 100'000);
    EXPECT_EQ(r.codec(), Codec::h264);
    EXPECT_EQ(r.parameter_sets(), std::string("\0\0\0\1\x67\x42\xc0\x1e\0\0\0\1\x68\xce", 14));
    // two in order end RFC 3550 A.1's probation; then 4 overtakes 3
    r.on_rtp(packet(1, 0, {0x41, 1}), 0);
    r.on_rtp(packet(2, 900, {0x41, 2}), 10'000);
    r.on_rtp(packet(4, 2700, {0x41, 4}), 20'000);
    r.on_rtp(packet(3, 1800, {0x41, 3}), 30'000);
    std::vector<Frame> out;
    r.play(50'000, &out);
    EXPECT_TRUE(out.empty());  // nothing before the playout delay
    r.play(130'000, &out);
    ASSERT_EQ(out.size(), 4u);  // one picture per timestamp, in order
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(out[i].data, std::string("\0\0\0\1\x41", 5) + static_cast<char>(i + 1));
        EXPECT_FALSE(out[i].key);
    }
    EXPECT_EQ(out[0].playout_us, 100'000);
    EXPECT_EQ(out[3].playout_us, 130'000);
    const auto c = r.counters();
    EXPECT_EQ(c.played, 4u);
    EXPECT_EQ(c.reordered, 1u);
    EXPECT_EQ(c.lost, 0);
    EXPECT_EQ(c.buffered, 0u);
}

TEST(TrackReceiver, APictureIsEveryPacketOfOneTimestamp)
{
    TrackReceiver r(h264_media(), 10'000);         // with no delay, any packet after the first would be late
    r.on_rtp(packet(1, 0, {0x65, 1}, false), 0);   // an IDR slice, more to come
    r.on_rtp(packet(2, 0, {0x65, 2}, true), 100);  // the marker ends the picture
    r.on_rtp(packet(3, 3000, {0x41, 3}, false), 200);
    r.on_rtp(packet(4, 6000, {0x41, 4}, false), 300);  // a new timestamp ends the one before
    std::vector<Frame> out;
    r.play(1'000'000, &out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].data, std::string("\0\0\0\1\x65\1\0\0\0\1\x65\2", 12));
    EXPECT_TRUE(out[0].key);
    EXPECT_FALSE(out[1].key);
    r.drain(&out);  // the last picture, though no marker came
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].data, std::string("\0\0\0\1\x41\4", 6));
}

TEST(TrackReceiver, AacFramesAndOpusPackets)
{
    TrackReceiver aac(audio_media("MPEG4-GENERIC/48000/2", "mode=AAC-hbr;sizelength=13;indexlength=3;config=1190"), 0);
    EXPECT_EQ(aac.codec(), Codec::aac);
    // two AUs of 2 and 1 bytes in one payload: AU-headers-length 32, sizes << 3
    aac.on_rtp(packet(1, 0, {0x00, 0x20, 0x00, 0x10, 0x00, 0x08, 0xaa, 0xbb, 0xcc}), 0);
    std::vector<Frame> out;
    aac.drain(&out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].data, "\xaa\xbb");
    EXPECT_EQ(out[1].data, "\xcc");
    EXPECT_EQ(out[1].playout_us - out[0].playout_us, 21'333);  // 1024 samples at 48 kHz

    TrackReceiver opus(audio_media("opus/48000/2"), 0);
    EXPECT_EQ(opus.codec(), Codec::opus);
    opus.on_rtp(packet(1, 0, {0xfc, 1, 2}), 0);
    out.clear();
    opus.drain(&out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data, "\xfc\x01\x02");
    EXPECT_EQ(TrackReceiver(audio_media("PCMU/8000"), 0).codec(), Codec::other);
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
