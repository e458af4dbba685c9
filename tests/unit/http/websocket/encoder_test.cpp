#include "http/websocket/encoder.hpp"

#include <gtest/gtest.h>

#include "http/websocket/decoder.hpp"

using namespace layer7::http::websocket;

TEST(WebSocketEncoder, ServerFramesAreNotMasked)
{
    Encoder server(Side::server, std::nullopt);
    std::string out;
    server.message(out, Opcode::text, "Hello");
    EXPECT_EQ(out, std::string("\x81\x05Hello", 7));
    out.clear();
    server.close(out, {1000, ""});
    EXPECT_EQ(out, std::string("\x88\x02\x03\xe8", 4));
}

TEST(WebSocketEncoder, ClientFramesAreMaskedWithFreshKeys)
{
    std::uint32_t next = 1;
    Encoder client(Side::client, std::nullopt, [&] { return next++; });
    std::string out;
    client.message(out, Opcode::binary, "abcdefgh", 3);  // three frames, three keys
    EXPECT_EQ(next, 4u);
    Decoder d(Side::server, {});
    d.report_frames(true);
    d.feed(out);
    int frames = 0;
    for (Event e = d.next(); e.kind != EventKind::need_more; e = d.next()) {
        if (e.kind == EventKind::frame) {
            ++frames;
            EXPECT_TRUE(e.header.mask);
        } else {
            ASSERT_EQ(e.kind, EventKind::message);
            EXPECT_EQ(e.payload, "abcdefgh");
        }
    }
    EXPECT_EQ(frames, 3);
}

TEST(WebSocketEncoder, ControlPayloadIsCut)
{
    Encoder server(Side::server, std::nullopt);
    std::string out;
    server.control(out, Opcode::ping, std::string(200, 'x'));
    EXPECT_EQ(out.size(), 2 + max_control_payload);
}

TEST(WebSocketEncoder, CompressedRoundTripBothWays)
{
    for (bool no_takeover : {false, true}) {
        DeflateParams p;
        p.server_no_context_takeover = p.client_no_context_takeover = no_takeover;
        p.server_max_window_bits = 10;
        Encoder server(Side::server, p);
        Decoder client(Side::client, {}, p);
        for (int i = 0; i < 3; ++i) {
            std::string wire;
            const std::string text = "repeat repeat repeat " + std::to_string(i);
            server.message(wire, Opcode::text, text);
            EXPECT_EQ(wire[0] & 0x40, 0x40);
            client.feed(wire);
            Event e = client.next();
            ASSERT_EQ(e.kind, EventKind::message);
            EXPECT_EQ(e.payload, text);
        }
    }
}

TEST(WebSocketEncoder, AHeadAloneIsTheFrameWithoutItsPayload)
{
    Encoder server(Side::server, std::nullopt);
    ASSERT_TRUE(server.sends_payload_as_is());
    const std::string payload(70000, 'z');
    std::string whole, head;
    server.message(whole, Opcode::binary, payload);
    server.message_head(head, Opcode::binary, payload.size());
    EXPECT_EQ(head + payload, whole);
    // A client masks, a compressing server deflates: neither sends the payload as it is.
    EXPECT_FALSE(Encoder(Side::client, std::nullopt, [] { return 1u; }).sends_payload_as_is());
    EXPECT_FALSE(Encoder(Side::server, DeflateParams{}).sends_payload_as_is());
}
