#include "rtsp/transport.hpp"

#include <gtest/gtest.h>

namespace layer7::rtsp {
namespace {

TEST(RtspTransport, ParsesTheClientsChoicesInOrder)
{
    auto t = parse_transports(
        "RTP/AVP/TCP;unicast;interleaved=0-1, RTP/AVP;unicast;client_port=5000-5001;mode=record, RAW/RAW/UDP;unicast");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_TRUE(t[0].tcp);
    EXPECT_EQ(t[0].interleaved, (PortPair{0, 1}));
    EXPECT_FALSE(t[1].tcp);
    EXPECT_EQ(t[1].client_port, (PortPair{5000, 5001}));
    EXPECT_TRUE(t[1].record);
}

TEST(RtspTransport, SinglePortMeansAPairAndBadPortsAreSkipped)
{
    auto t = parse_transports("RTP/AVP;unicast;client_port=6000");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].client_port, (PortPair{6000, 6001}));
    EXPECT_TRUE(parse_transports("RTP/AVP;client_port=70000-70001").empty());
    EXPECT_TRUE(parse_transports("RTP/AVP/TCP;interleaved=300-301").empty());
    auto m = parse_transports("RTP/AVP;multicast;destination=\"224.1.1.1\"");
    ASSERT_EQ(m.size(), 1u);
    EXPECT_TRUE(m[0].multicast);
    EXPECT_EQ(m[0].destination, "224.1.1.1");
}

TEST(RtspTransport, AnswerForm)
{
    Transport t;
    t.client_port = PortPair{5000, 5001};
    t.server_port = PortPair{8000, 8001};
    t.ssrc = 0xab;
    EXPECT_EQ(to_string(t), "RTP/AVP;unicast;client_port=5000-5001;server_port=8000-8001;ssrc=000000AB");
}

}  // namespace
}  // namespace layer7::rtsp
