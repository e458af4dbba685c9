#include "rtsp/message.hpp"

#include <gtest/gtest.h>

namespace layer7::rtsp {
namespace {

TEST(RtspMessage, ResponseWireForm)
{
    Response r;
    r.status = 454;
    r.headers.add("CSeq", "3");
    r.body = "x";
    EXPECT_EQ(to_wire(r), "RTSP/1.0 454 Session Not Found\r\nCSeq: 3\r\nContent-Length: 1\r\n\r\nx");
}

TEST(RtspMessage, RequestWireFormAndCSeq)
{
    Request q{"OPTIONS", "rtsp://h/a", {}, {}};
    q.headers.add("CSeq", "12");
    EXPECT_EQ(to_wire(q), "OPTIONS rtsp://h/a RTSP/1.0\r\nCSeq: 12\r\n\r\n");
    EXPECT_EQ(q.cseq(), 12u);
    q.headers.set("CSeq", "x1");
    EXPECT_FALSE(q.cseq());
}

TEST(RtspMessage, InterleavedFrame)
{
    EXPECT_EQ(interleaved_frame(1, "abc"), std::string("$\x01\x00\x03"
                                                       "abc",
                                                       7));
}

}  // namespace
}  // namespace layer7::rtsp
