#include "http/websocket/decoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "http/websocket/encoder.hpp"

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

namespace {

// A client frame (masked) as a server receives it.
std::string client_frame(Opcode op, std::string_view payload, bool fin = true, bool rsv1 = false)
{
    std::string out;
    append_frame(out, head(op, payload.size(), 0xa1b2c3d4, fin, rsv1), payload);
    return out;
}

// Every event until need_more, as text: "M:TEXT:hello", "P:…", "C:1000:bye", "E:1002".
std::string drain(Decoder& d)
{
    std::string out;
    for (;;) {
        Event e = d.next();
        switch (e.kind) {
        case EventKind::need_more: return out;
        case EventKind::frame: break;
        case EventKind::message:
            out += "M:" + std::string(opcode_name(e.opcode)) + ":" + std::string(e.payload) + "|";
            break;
        case EventKind::ping: out += "P:" + std::string(e.payload) + "|"; break;
        case EventKind::pong: out += "O:" + std::string(e.payload) + "|"; break;
        case EventKind::close:
            out +=
                "C:" + (e.close.code ? std::to_string(*e.close.code) : std::string("-")) + ":" + e.close.reason + "|";
            break;
        case EventKind::error: return out + "E:" + std::to_string(static_cast<int>(close_code(e.error)));
        }
    }
}

std::string decode(std::string_view wire, DecoderLimits limits = {}, Side we = Side::server,
                   std::optional<DeflateParams> deflate = std::nullopt)
{
    Decoder d(we, limits, deflate);
    d.feed(wire);
    return drain(d);
}

DecodeError error_of(std::string_view wire, DecoderLimits limits = {}, Side we = Side::server,
                     std::optional<DeflateParams> deflate = std::nullopt)
{
    Decoder d(we, limits, deflate);
    d.feed(wire);
    for (;;) {
        Event e = d.next();
        if (e.kind == EventKind::error)
            return e.error;
        if (e.kind == EventKind::need_more) {
            ADD_FAILURE() << "no error";
            return {};
        }
    }
}

}  // namespace

TEST(WebSocketDecoder, MessagesPingsAndClose)
{
    const std::string wire = client_frame(Opcode::text, "hello") + client_frame(Opcode::ping, "p") +
                             client_frame(Opcode::binary, std::string("\0\1", 2)) +
                             client_frame(Opcode::close, std::string("\x03\xe8"
                                                                     "bye",
                                                                     5));
    EXPECT_EQ(decode(wire), std::string("M:TEXT:hello|P:p|M:BINARY:\0\1|C:1000:bye|", 40));
}

TEST(WebSocketDecoder, EverySplitGivesTheSameEvents)
{
    const std::string wire = client_frame(Opcode::text, "frag", false) + client_frame(Opcode::ping, "") +
                             client_frame(Opcode::continuation, "mented \xe2\x82", false) +
                             client_frame(Opcode::continuation, "\xac", true) +
                             client_frame(Opcode::binary, std::string(300, 'b')) + client_frame(Opcode::close, "");
    const std::string whole = decode(wire);
    EXPECT_EQ(whole, "P:|M:TEXT:fragmented \xe2\x82\xac|M:BINARY:" + std::string(300, 'b') + "|C:-:|");
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        Decoder d(Side::server, {});
        d.feed(wire.substr(0, cut));
        std::string events = drain(d);
        d.feed(wire.substr(cut));
        events += drain(d);
        EXPECT_EQ(events, whole) << cut;
    }
}

TEST(WebSocketDecoder, MaskingDirection)
{
    std::string unmasked;
    append_frame(unmasked, head(Opcode::text, 2), "hi");
    EXPECT_EQ(error_of(unmasked), DecodeError::unmasked_frame);
    EXPECT_EQ(decode(unmasked, {}, Side::client), "M:TEXT:hi|");
    EXPECT_EQ(error_of(client_frame(Opcode::text, "hi"), {}, Side::client), DecodeError::masked_frame);
    EXPECT_EQ(close_code(DecodeError::unmasked_frame), CloseCode::protocol_error);
}

TEST(WebSocketDecoder, ReservedBitsAndOpcodes)
{
    std::string f = client_frame(Opcode::text, "x");
    for (char bits : {'\x40', '\x20', '\x10'}) {
        std::string g = f;
        g[0] = static_cast<char>(g[0] | bits);
        EXPECT_EQ(error_of(g), DecodeError::reserved_bits);
    }
    for (int op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
        std::string g = f;
        g[0] = static_cast<char>(0x80 | op);
        EXPECT_EQ(error_of(g), DecodeError::unknown_opcode) << op;
    }
    EXPECT_EQ(decode(f.substr(0, 1) + "garbage"), "E:1002");  // known from the first byte
}

TEST(WebSocketDecoder, ControlFrameRules)
{
    EXPECT_EQ(decode(client_frame(Opcode::ping, std::string(125, 'p'))), "P:" + std::string(125, 'p') + "|");
    EXPECT_EQ(error_of(client_frame(Opcode::ping, std::string(126, 'p'))), DecodeError::control_too_long);
    EXPECT_EQ(error_of(client_frame(Opcode::pong, "x", false)), DecodeError::fragmented_control);
    EXPECT_EQ(error_of(client_frame(Opcode::close, "\x03")), DecodeError::bad_close_length);
    for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 2000, 5000}) {
        const std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
        EXPECT_EQ(error_of(client_frame(Opcode::close, body)), DecodeError::bad_close_code) << code;
    }
    EXPECT_EQ(error_of(client_frame(Opcode::close, "\x03\xe8\xff")), DecodeError::invalid_utf8);
    EXPECT_EQ(close_code(DecodeError::invalid_utf8), CloseCode::invalid_payload);
}

TEST(WebSocketDecoder, FragmentationOrder)
{
    EXPECT_EQ(error_of(client_frame(Opcode::continuation, "x")), DecodeError::unexpected_continuation);
    EXPECT_EQ(error_of(client_frame(Opcode::text, "a", false) + client_frame(Opcode::text, "b")),
              DecodeError::expected_continuation);
    EXPECT_EQ(error_of(client_frame(Opcode::text, "a", false) + client_frame(Opcode::binary, "b")),
              DecodeError::expected_continuation);
}

TEST(WebSocketDecoder, LengthEncoding)
{
    // 126 with a 16-bit length under 126, and 127 with a 64-bit length under 65536.
    EXPECT_EQ(error_of(std::string("\x81\xfe\x00\x05", 4) + "mask" + "hello"), DecodeError::non_minimal_length);
    EXPECT_EQ(error_of(std::string("\x82\xff\x00\x00\x00\x00\x00\x00\x01\x00", 10) + "mask"),
              DecodeError::non_minimal_length);
    EXPECT_EQ(error_of(std::string("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00", 10) + "mask"),
              DecodeError::length_msb_set);
}

TEST(WebSocketDecoder, InvalidUtf8FailsBeforeTheMessageEnds)
{
    Decoder d(Side::server, {});
    d.feed(client_frame(Opcode::text, "ok so far", false));
    EXPECT_EQ(drain(d), "");
    d.feed(client_frame(Opcode::continuation, "\xce\xba\xed\xa0\x80", false));  // surrogate: not UTF-8
    EXPECT_EQ(drain(d), "E:1007");
    // A sequence cut by the message's end.
    EXPECT_EQ(error_of(client_frame(Opcode::text, "\xe2\x82")), DecodeError::invalid_utf8);
    // Binary is not validated.
    EXPECT_EQ(decode(client_frame(Opcode::binary, "\xff")), "M:BINARY:\xff|");
}

TEST(WebSocketDecoder, SizeLimitsAtTheEdge)
{
    const DecoderLimits limits{.max_frame = 100, .max_message = 150};
    EXPECT_EQ(decode(client_frame(Opcode::binary, std::string(99, 'a')), limits),
              "M:BINARY:" + std::string(99, 'a') + "|");
    EXPECT_EQ(decode(client_frame(Opcode::binary, std::string(100, 'a')), limits),
              "M:BINARY:" + std::string(100, 'a') + "|");
    EXPECT_EQ(error_of(client_frame(Opcode::binary, std::string(101, 'a')), limits), DecodeError::frame_too_big);
    EXPECT_EQ(close_code(DecodeError::frame_too_big), CloseCode::message_too_big);
    const std::string first = client_frame(Opcode::binary, std::string(100, 'a'), false);
    EXPECT_EQ(decode(first + client_frame(Opcode::continuation, std::string(50, 'b')), limits).size(),
              9 + 150 + 1u);  // "M:BINARY:", the payload, "|"
    EXPECT_EQ(error_of(first + client_frame(Opcode::continuation, std::string(51, 'b')), limits),
              DecodeError::message_too_big);
    // Refused from the header alone: no payload needed.
    EXPECT_EQ(decode(client_frame(Opcode::binary, std::string(101, 'a')).substr(0, 6), limits), "E:1009");
}

TEST(WebSocketDecoder, CompressedMessages)
{
    const DeflateParams params;
    Encoder client(Side::client, params, [] { return 0x11223344u; });
    std::string wire;
    client.message(wire, Opcode::text, "compressed hello");
    client.message(wire, Opcode::text, "compressed hello again", 4);  // fragmented: RSV1 on the first only
    client.message(wire, Opcode::binary, "");
    EXPECT_EQ(decode(wire, {}, Side::server, params),
              "M:TEXT:compressed hello|M:TEXT:compressed hello again|M:BINARY:|");
    // Without the extension RSV1 is a reserved bit.
    EXPECT_EQ(error_of(wire), DecodeError::reserved_bits);
    // RSV1 on a continuation or a control frame.
    EXPECT_EQ(error_of(client_frame(Opcode::text, "a", false) + client_frame(Opcode::continuation, "b", true, true), {},
                       Side::server, params),
              DecodeError::reserved_bits);
    EXPECT_EQ(error_of(client_frame(Opcode::ping, "", true, true), {}, Side::server, params),
              DecodeError::reserved_bits);
    EXPECT_EQ(error_of(client_frame(Opcode::text, "\xff\xff\xff\xff", true, true), {}, Side::server, params),
              DecodeError::bad_compressed_data);
}

TEST(WebSocketDecoder, DeflateBombStopsAtTheMessageLimit)
{
    const DeflateParams params;
    Encoder client(Side::client, params, [] { return 0u; });
    std::string wire;
    client.message(wire, Opcode::binary, std::string(1 << 20, 'z'));  // ~1 KiB on the wire
    const DecoderLimits limits{.max_frame = 1 << 20, .max_message = 64 * 1024};
    EXPECT_EQ(error_of(wire, limits, Side::server, params), DecodeError::message_too_big);
    // Invalid UTF-8 inside a compressed text message fails too.
    wire.clear();
    client.message(wire, Opcode::text, "abc\xc0\xafxyz");
    EXPECT_EQ(error_of(wire, {}, Side::server, params), DecodeError::invalid_utf8);
}

TEST(WebSocketDecoder, StaysFailed)
{
    Decoder d(Side::server, {});
    d.feed(client_frame(Opcode::continuation, "x"));
    EXPECT_EQ(d.next().kind, EventKind::error);
    d.feed(client_frame(Opcode::text, "fine"));
    EXPECT_EQ(d.next().kind, EventKind::error);
}

TEST(WebSocketDecoder, ReportsFramesWhenAsked)
{
    Decoder d(Side::server, {});
    d.report_frames(true);
    d.feed(client_frame(Opcode::text, "ab", false) + client_frame(Opcode::continuation, "cd"));
    Event e = d.next();
    ASSERT_EQ(e.kind, EventKind::frame);
    EXPECT_FALSE(e.header.fin);
    EXPECT_EQ(e.payload, "ab");
    e = d.next();
    ASSERT_EQ(e.kind, EventKind::frame);
    EXPECT_EQ(e.opcode, Opcode::continuation);
    EXPECT_EQ(e.payload, "cd");
    e = d.next();
    ASSERT_EQ(e.kind, EventKind::message);
    EXPECT_EQ(e.payload, "abcd");
}

TEST(WebSocketDecoder, ReadsStraightIntoItsBuffer)
{
    // A message arriving in reads of every size, each written into prepare()'s room.
    const std::string wire = client_frame(Opcode::binary, std::string(5000, 'x'), false) +
                             client_frame(Opcode::ping, "p") + client_frame(Opcode::continuation, "end");
    for (std::size_t step : {1u, 7u, 4096u, 100000u}) {
        Decoder d(Side::server, {});
        std::string events;
        for (std::size_t at = 0; at < wire.size(); at += step) {
            const std::size_t n = std::min(step, wire.size() - at);
            const std::span<char> room = d.prepare(n);
            ASSERT_GE(room.size(), n);
            std::memcpy(room.data(), wire.data() + at, n);
            d.commit(n);
            events += drain(d);
        }
        EXPECT_EQ(events, "P:p|M:BINARY:" + std::string(5000, 'x') + "end|") << "reads of " << step;
        EXPECT_EQ(d.buffered(), 0u);
    }
}

TEST(WebSocketDecoder, AMessageMovedOutLeavesTheNextWhole)
{
    Decoder d(Side::server, {});
    d.feed(client_frame(Opcode::text, std::string(3000, 'a')) + client_frame(Opcode::text, "b", false));
    ASSERT_EQ(d.next().kind, EventKind::message);
    const std::string kept = std::move(d.message());
    EXPECT_EQ(kept, std::string(3000, 'a'));
    EXPECT_EQ(d.next().kind, EventKind::need_more);
    d.feed(client_frame(Opcode::continuation, "c"));
    const Event e = d.next();
    ASSERT_EQ(e.kind, EventKind::message);
    EXPECT_EQ(e.payload, "bc");
}

TEST(WebSocketDecoder, ReleasingMemoryBetweenReadsLosesNothing)
{
    // Released after every read: inside a fragmented message (its first part is kept), after
    // half a frame head (refused: there is something left to decode), and between messages.
    const std::string wire = client_frame(Opcode::text, "first ", false) + client_frame(Opcode::continuation, "half") +
                             client_frame(Opcode::text, "next");
    for (std::size_t step : {1u, 3u, 8u, 11u}) {
        Decoder d(Side::server, {});
        std::string events;
        for (std::size_t at = 0; at < wire.size(); at += step) {
            d.feed(std::string_view(wire).substr(at, step));
            events += drain(d);
            d.release_memory();
        }
        EXPECT_EQ(events, "M:TEXT:first half|M:TEXT:next|") << "reads of " << step;
    }
}

TEST(WebSocketDecoder, BetweenMessagesOnlyWhenNothingIsHalfWay)
{
    // The shell gives the input buffer back only here: not inside a fragmented message, not
    // after half a frame head, not in the middle of a payload.
    const std::string first = client_frame(Opcode::text, "first ", false);
    const std::string rest = client_frame(Opcode::continuation, "rest");
    Decoder d(Side::server, {});
    EXPECT_TRUE(d.between_messages());
    d.feed(std::string_view(first).substr(0, 1));
    EXPECT_EQ(drain(d), "");
    EXPECT_FALSE(d.between_messages()) << "half a frame head";
    d.feed(std::string_view(first).substr(1, first.size() - 3));
    drain(d);
    EXPECT_FALSE(d.between_messages()) << "inside a payload";
    d.feed(std::string_view(first).substr(first.size() - 2));
    drain(d);
    EXPECT_FALSE(d.between_messages()) << "inside a fragmented message";
    d.feed(rest);
    EXPECT_EQ(drain(d), "M:TEXT:first rest|");
    EXPECT_TRUE(d.between_messages());
}
