#include "http/websocket/frame.hpp"

#include <gtest/gtest.h>

using namespace layer7::http::websocket;

namespace {
FrameHeader head(Opcode op, std::uint64_t length, std::optional<std::uint32_t> mask = std::nullopt, bool fin = true,
                 bool rsv1 = false)
{
    FrameHeader h;
    h.fin = fin;
    h.rsv1 = rsv1;
    h.opcode = op;
    h.mask = mask;
    h.length = length;
    return h;
}
}  // namespace

TEST(WebSocketFrame, HeaderUsesTheShortestLengthForm)
{
    for (auto [length, size] :
         {std::pair<std::uint64_t, std::size_t>{0, 2}, {125, 2}, {126, 4}, {65535, 4}, {65536, 10}}) {
        std::string out;
        append_header(out, head(Opcode::binary, length));
        EXPECT_EQ(out.size(), size) << length;
    }
}

TEST(WebSocketFrame, Rfc6455Examples)
{
    // §5.7: a single-frame unmasked text message "Hello", and the masked one.
    std::string out;
    append_frame(out, head(Opcode::text, 5), "Hello");
    EXPECT_EQ(out, std::string("\x81\x05Hello", 7));
    out.clear();
    append_frame(out, head(Opcode::text, 5, 0x37fa213d), "Hello");
    EXPECT_EQ(out, std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
}

TEST(WebSocketFrame, MaskAtAnyOffsetMatchesByteWise)
{
    std::string data(37, 'x');
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(i * 7);
    for (std::uint64_t offset = 0; offset < 5; ++offset) {
        std::string fast = data;
        apply_mask(fast.data(), fast.size(), 0x01020304, offset);
        for (std::size_t i = 0; i < data.size(); ++i)
            EXPECT_EQ(static_cast<unsigned char>(fast[i] ^ data[i]), (offset + i) % 4 + 1);
    }
}

TEST(WebSocketFrame, CloseCodesThatMayBeSent)
{
    for (int c : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1014, 3000, 4999})
        EXPECT_TRUE(is_sendable_close_code(static_cast<std::uint16_t>(c))) << c;
    for (int c : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
        EXPECT_FALSE(is_sendable_close_code(static_cast<std::uint16_t>(c))) << c;
}

TEST(WebSocketFrame, CloseBodyFitsAControlFrameWithoutCuttingUtf8)
{
    EXPECT_EQ(encode_close_body({}), "");
    EXPECT_EQ(encode_close_body({1000, "bye"}), std::string("\x03\xe8"
                                                            "bye",
                                                            5));
    std::string reason;
    for (int i = 0; i < 100; ++i)
        reason += "\xc3\xa9";  // é, two bytes each
    const std::string body = encode_close_body({1001, reason});
    EXPECT_LE(body.size(), max_control_payload);
    EXPECT_EQ((body.size() - 2) % 2, 0u);
}
