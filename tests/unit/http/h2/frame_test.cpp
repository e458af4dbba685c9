// h2 frame codec: the frame header both ways and the encoders, byte for byte (RFC 9113 §4.1, §6).
#include "http/h2/frame.hpp"

#include <gtest/gtest.h>

#include <array>

#include "http/h2/frame_text.hpp"

using namespace layer7::http::h2;

namespace {

const std::uint8_t* u8(const std::string& s)
{
    return reinterpret_cast<const std::uint8_t*>(s.data());
}

TEST(H2Frame, HeaderRoundTripsAndIgnoresTheReservedBit)
{
    std::array<std::uint8_t, 9> h{};
    encode_frame_header(h.data(), 0x123456, FrameType::headers, flag::end_headers | flag::end_stream, 0x7ffffffe);
    EXPECT_EQ(h[0], 0x12);
    EXPECT_EQ(h[2], 0x56);
    h[5] |= 0x80;  // R set by a sender: §4.1 says ignore it
    const FrameHeader f = decode_frame_header(h.data());
    EXPECT_EQ(f.length, 0x123456u);
    EXPECT_EQ(f.type, 1);
    EXPECT_EQ(f.flags, 5);
    EXPECT_EQ(f.stream, 0x7ffffffe);
}

TEST(H2Frame, ControlFramesAreEncodedAsTheRfcLaysThemOut)
{
    std::string out;
    append_window_update(out, 3, 0x80000001u);  // the reserved bit never leaves
    EXPECT_EQ(out, std::string("\x00\x00\x04\x08\x00\x00\x00\x00\x03\x00\x00\x00\x01", 13));
    out.clear();
    append_rst_stream(out, 1, ErrorCode::refused_stream);
    EXPECT_EQ(out, std::string("\x00\x00\x04\x03\x00\x00\x00\x00\x01\x00\x00\x00\x07", 13));
    out.clear();
    append_goaway(out, 5, ErrorCode::enhance_your_calm);
    EXPECT_EQ(out, std::string("\x00\x00\x08\x07\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00\x0b", 17));
    out.clear();
    const std::array<Setting, 2> settings{{{4, 65535}, {9, 1}}};
    append_settings(out, settings);
    ASSERT_EQ(out.size(), 9u + 12);
    EXPECT_EQ(decode_frame_header(u8(out)).length, 12u);
    const Setting second = decode_setting({u8(out) + 9, 12}, 1);
    EXPECT_EQ(second.id, 9);
    EXPECT_EQ(second.value, 1u);
}

TEST(H2Frame, TraceLinesSpellOutDetails)
{
    std::string out;
    append_goaway(out, 7, ErrorCode::protocol_error);
    EXPECT_EQ(frame_line(7, 0, 0, 8, {u8(out) + 9, 8}), "GOAWAY stream=0 length=8 last_stream=7 error=PROTOCOL_ERROR");
    out.clear();
    const std::array<Setting, 1> settings{{{3, 128}}};
    append_settings(out, settings);
    EXPECT_EQ(frame_line(4, 0, 0, 6, {u8(out) + 9, 6}), "SETTINGS stream=0 length=6 MAX_CONCURRENT_STREAMS=128");
    EXPECT_EQ(frame_line(1, 0x25, 3, 10, {}), "HEADERS stream=3 length=10 flags=END_STREAM|END_HEADERS|PRIORITY");
    EXPECT_EQ(frame_line(6, 1, 0, 8, {}), "PING stream=0 length=8 flags=ACK");
    EXPECT_EQ(frame_type_name(0x10), "PRIORITY_UPDATE");
    EXPECT_EQ(error_name(0xd), "HTTP_1_1_REQUIRED");
    EXPECT_EQ(error_name(0xe), "unknown");
}

}  // namespace
