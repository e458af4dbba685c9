// Fuzzes websocket::Decoder as a server receives client frames, with and without permessage-deflate
// (the first byte picks the mode and the limits). The input is decoded whole and in pieces, and
// both transcripts must agree; every message is re-encoded, decoded again and must come back the
// same; no message or frame passes its limit and text is always valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/websocket/decoder.hpp"
#include "http/websocket/encoder.hpp"

using namespace layer7::http::websocket;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

DecoderLimits limits_for(std::uint8_t mode)
{
    DecoderLimits limits;
    if (mode & 2) {  // small limits, so the fuzzer reaches every limit path
        limits.max_frame = 64;
        limits.max_message = 256;
    }
    return limits;
}

std::optional<DeflateParams> deflate_for(std::uint8_t mode)
{
    if (!(mode & 1))
        return std::nullopt;
    DeflateParams p;
    p.client_no_context_takeover = mode & 4;
    return p;
}

void round_trip(Opcode opcode, std::string_view payload, std::uint8_t mode)
{
    Encoder client(Side::client, deflate_for(mode), [] { return 0x5a5a1234u; });
    std::string wire;
    client.message(wire, opcode, payload, 7);
    Decoder again(Side::server, DecoderLimits{.max_frame = 1 << 20, .max_message = 1 << 20}, deflate_for(mode));
    again.feed(wire);
    Event e = again.next();
    check(e.kind == EventKind::message && e.opcode == opcode && e.payload == payload);
}

std::string transcript(std::string_view input, std::size_t step, std::uint8_t mode, bool verify)
{
    Decoder decoder(Side::server, limits_for(mode), deflate_for(mode));
    decoder.report_frames(mode & 8);
    std::string out;
    for (std::size_t at = 0; at < input.size() || at == 0; at += step) {
        decoder.feed(input.substr(std::min(at, input.size()), step));
        for (;;) {
            Event e = decoder.next();
            if (e.kind == EventKind::need_more)
                break;
            switch (e.kind) {
            case EventKind::frame:
                check(e.header.length <= decoder.limits().max_frame);
                out += "F" + std::to_string(e.header.length) + ";";
                break;
            case EventKind::message:
                check(e.payload.size() <= decoder.limits().max_message);
                if (e.opcode == Opcode::text)
                    check(is_valid_utf8(e.payload));
                if (verify && e.payload.size() <= 4096)
                    round_trip(e.opcode, e.payload, mode);
                out += "M" + std::string(opcode_name(e.opcode)) + ":" + std::string(e.payload) + ";";
                break;
            case EventKind::ping:
            case EventKind::pong:
                check(e.payload.size() <= max_control_payload);
                out += std::string(opcode_name(e.opcode)) + ":" + std::string(e.payload) + ";";
                break;
            case EventKind::close:
                check(!e.close.code || is_sendable_close_code(*e.close.code));
                out += "C" + (e.close.code ? std::to_string(*e.close.code) : std::string("-")) + ";";
                break;
            case EventKind::error: return out + "E" + std::string(describe(e.error));
            case EventKind::need_more: break;
            }
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::uint8_t mode = data[0];
    std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::string whole = transcript(input, input.size() + 1, mode, true);
    const std::string split = transcript(input, 1 + size % 13, mode, false);
    check(whole == split);
    return 0;
}
