// The receiving half of a WebSocket connection (RFC 6455 §5, RFC 7692 §6): bytes in, messages and
// control frames out, every protocol violation an error carrying the close code §7.4.1 names.
//
// Theory of operation. feed() appends bytes; next() walks them. A frame header is checked whole
// before any payload is accepted: reserved bits, opcode, masking direction, control-frame rules,
// fragmentation order and the size limits. Data payload is then taken as it arrives — unmasked in
// place, inflated when the message is compressed, appended to the message and, for text,
// validated as UTF-8 at once, so a bad message or a bomb fails before its end. Control frames
// (at most 125 bytes) are reported whole, also between the fragments of a message (§5.4). After an
// error the decoder stays failed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "http/websocket/deflate.hpp"
#include "http/websocket/frame.hpp"
#include "http/websocket/utf8.hpp"

namespace layer7::http::websocket {

enum class Side { server, client };  // which end of the connection we are

// Named limits (DESIGN.md §6): over either → 1009.
struct DecoderLimits {
    std::size_t max_frame = 1u << 20;    // one frame's payload on the wire
    std::size_t max_message = 1u << 20;  // one message, after inflating (the bomb limit)
};

enum class DecodeError {
    reserved_bits,            // RSV1-3 set without an extension that defines them (§5.2)
    unknown_opcode,           // §5.2: "MUST _Fail the WebSocket Connection_"
    unmasked_frame,           // a client frame without a mask (§5.1)
    masked_frame,             // a server frame with one (§5.1)
    control_too_long,         // control payload over 125 bytes (§5.5)
    fragmented_control,       // a control frame without FIN (§5.5)
    unexpected_continuation,  // a continuation with no message open (§5.4)
    expected_continuation,    // a new data frame inside a fragmented message (§5.4)
    non_minimal_length,       // §5.2: "the minimal number of bytes MUST be used"
    length_msb_set,           // a 64-bit length with its top bit set (§5.2)
    bad_close_length,         // a Close body of one byte (§5.5.1)
    bad_close_code,           // a code an endpoint may not send (§7.4)
    invalid_utf8,             // text or close reason that is not UTF-8 (§8.1)
    bad_compressed_data,      // permessage-deflate data zlib refuses (RFC 7692 §8)
    frame_too_big,            // over DecoderLimits::max_frame
    message_too_big,          // over DecoderLimits::max_message (also after inflating)
};
// The code to close with (§7.4.1): 1002, 1007 or 1009.
CloseCode close_code(DecodeError e);
std::string_view describe(DecodeError e);

enum class EventKind { need_more, frame, message, ping, pong, close, error };

struct Event {
    EventKind kind = EventKind::need_more;
    // message: text or binary; frame: the frame's own opcode.
    Opcode opcode = Opcode::text;
    // message: the whole (inflated) message; ping/pong: the application data; frame: what the
    // frame added to its message (inflated). Valid until the next feed() or next().
    std::string_view payload;
    FrameHeader header;  // frame only
    CloseBody close;     // close only
    DecodeError error{};
};

class Decoder {
public:
    // `we`: frames from a client must be masked, from a server must not. `deflate`: the agreed
    // permessage-deflate parameters, if any (RSV1 then marks a compressed message).
    Decoder(Side we, const DecoderLimits& limits, const std::optional<DeflateParams>& deflate = std::nullopt);

    void feed(std::string_view bytes);
    // A read straight into the decoder, without a copy: room for at least `n` more bytes after
    // what was fed, then commit() with how many arrived.
    std::span<char> prepare(std::size_t n);
    void commit(std::size_t n) { end_ += n; }
    // Between reads with nothing left to decode: gives back the input buffer, and the message's
    // memory when no message is open, so an idle connection keeps neither.
    void release_memory();
    Event next();
    // The message just reported (EventKind::message): an application that keeps it may move it
    // out; the next message starts afresh.
    std::string& message() { return message_; }
    // Also report each frame (EventKind::frame) before its message: for --trace.
    void report_frames(bool on) { report_frames_ = on; }
    const DecoderLimits& limits() const { return limits_; }
    // Bytes fed but not yet decoded (the shell bounds its read buffer with this).
    std::size_t buffered() const { return end_ - pos_; }
    // Nothing fed is left undecoded and no frame or message is half-way: the connection is idle.
    bool between_messages() const { return end_ == pos_ && state_ == State::header && !in_message_; }

private:
    enum class State { header, payload, message_ready, failed };
    Event fail(DecodeError e);
    std::optional<Event> read_header();
    std::optional<Event> read_payload();
    std::optional<Event> control_frame();

    Side we_;
    DecoderLimits limits_;
    std::unique_ptr<Inflater> inflater_;
    bool report_frames_ = false;

    // Bytes fed: [pos_, end_) are not decoded yet; the rest of the capacity is room for reads.
    std::unique_ptr<char[]> buffer_;
    std::size_t capacity_ = 0;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    State state_ = State::header;
    DecodeError error_{};

    FrameHeader frame_;
    std::uint64_t remaining_ = 0;   // payload bytes of the current frame still to come
    std::uint64_t frame_done_ = 0;  // payload bytes of the current frame already taken
    std::size_t frame_start_ = 0;   // where the current frame's data begins in message_

    bool in_message_ = false;
    Opcode message_opcode_ = Opcode::text;
    bool compressed_ = false;
    std::string message_;
    std::size_t last_message_size_ = 0;  // to size message_ again after it was moved out
    std::string control_;
    Utf8Validator utf8_;
};

}  // namespace layer7::http::websocket
