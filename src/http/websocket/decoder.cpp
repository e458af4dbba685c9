// The receiving half of a WebSocket connection: see decoder.hpp.
#include "http/websocket/decoder.hpp"

#include <algorithm>
#include <cstring>

namespace layer7::http::websocket {

CloseCode close_code(DecodeError e)
{
    switch (e) {
    case DecodeError::invalid_utf8:
    case DecodeError::bad_compressed_data: return CloseCode::invalid_payload;
    case DecodeError::frame_too_big:
    case DecodeError::message_too_big: return CloseCode::message_too_big;
    default: return CloseCode::protocol_error;
    }
}

std::string_view describe(DecodeError e)
{
    switch (e) {
    case DecodeError::reserved_bits: return "reserved bits set";
    case DecodeError::unknown_opcode: return "unknown opcode";
    case DecodeError::unmasked_frame: return "client frame not masked";
    case DecodeError::masked_frame: return "server frame masked";
    case DecodeError::control_too_long: return "control frame over 125 bytes";
    case DecodeError::fragmented_control: return "fragmented control frame";
    case DecodeError::unexpected_continuation: return "continuation without a message";
    case DecodeError::expected_continuation: return "new message inside a fragmented one";
    case DecodeError::non_minimal_length: return "length not minimally encoded";
    case DecodeError::length_msb_set: return "64-bit length with the top bit set";
    case DecodeError::bad_close_length: return "close frame with a one-byte body";
    case DecodeError::bad_close_code: return "invalid close code";
    case DecodeError::invalid_utf8: return "invalid UTF-8";
    case DecodeError::bad_compressed_data: return "invalid compressed data";
    case DecodeError::frame_too_big: return "frame too big";
    case DecodeError::message_too_big: return "message too big";
    }
    return "?";
}

Decoder::Decoder(Side we, const DecoderLimits& limits, const std::optional<DeflateParams>& deflate)
    : we_(we), limits_(limits)
{
    if (deflate) {
        // The peer's compressor resets when *its* no_context_takeover was agreed.
        const bool peer_resets =
            we == Side::server ? deflate->client_no_context_takeover : deflate->server_no_context_takeover;
        inflater_ = std::make_unique<Inflater>(peer_resets);
    }
}

void Decoder::feed(std::string_view bytes)
{
    if (bytes.empty())
        return;
    const std::span<char> room = prepare(bytes.size());
    std::memcpy(room.data(), bytes.data(), bytes.size());
    commit(bytes.size());
}

std::span<char> Decoder::prepare(std::size_t n)
{
    // What is left undecoded is at most a partial frame head or control frame (a data payload
    // is taken as it comes), so moving it to the front is cheap.
    if (pos_ > 0) {
        std::memmove(buffer_.get(), buffer_.get() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
    }
    if (capacity_ - end_ < n) {
        auto bigger = std::make_unique_for_overwrite<char[]>(end_ + n);
        if (end_ > 0)
            std::memcpy(bigger.get(), buffer_.get(), end_);
        buffer_ = std::move(bigger);
        capacity_ = end_ + n;
    }
    return {buffer_.get() + end_, capacity_ - end_};
}

void Decoder::release_memory()
{
    if (pos_ != end_)
        return;
    buffer_.reset();
    capacity_ = pos_ = end_ = 0;
    if (!in_message_ && state_ != State::message_ready)
        std::string().swap(message_);
}

Event Decoder::fail(DecodeError e)
{
    state_ = State::failed;
    error_ = e;
    Event ev;
    ev.kind = EventKind::error;
    ev.error = e;
    return ev;
}

Event Decoder::next()
{
    for (;;) {
        switch (state_) {
        case State::failed: return fail(error_);
        case State::message_ready: {
            state_ = State::header;
            Event ev;
            ev.kind = EventKind::message;
            ev.opcode = message_opcode_;
            ev.payload = message_;
            last_message_size_ = std::min(message_.size(), limits_.max_message);
            return ev;
        }
        case State::header:
            if (auto ev = read_header())
                return *ev;
            break;
        case State::payload:
            if (auto ev = read_payload())
                return *ev;
            break;
        }
    }
}

std::optional<Event> Decoder::read_header()
{
    const std::size_t avail = end_ - pos_;
    if (avail < 2)
        return Event{};
    const auto* b = reinterpret_cast<const unsigned char*>(buffer_.get() + pos_);
    const bool fin = b[0] & 0x80, rsv1 = b[0] & 0x40, masked = b[1] & 0x80;
    const std::uint8_t op = b[0] & 0x0F, len7 = b[1] & 0x7F;
    // Everything the first two bytes tell is checked before waiting for the rest.
    if (b[0] & 0x30)
        return fail(DecodeError::reserved_bits);
    if (!is_known_opcode(op))
        return fail(DecodeError::unknown_opcode);
    const auto opcode = static_cast<Opcode>(op);
    const bool control = is_control(opcode);
    // RFC 7692 §6: RSV1 only on the first frame of a data message, and only with the extension.
    if (rsv1 && (!inflater_ || control || opcode == Opcode::continuation))
        return fail(DecodeError::reserved_bits);
    if (we_ == Side::server && !masked)
        return fail(DecodeError::unmasked_frame);
    if (we_ == Side::client && masked)
        return fail(DecodeError::masked_frame);
    if (control) {
        if (!fin)
            return fail(DecodeError::fragmented_control);
        if (len7 > max_control_payload)
            return fail(DecodeError::control_too_long);
    } else if (opcode == Opcode::continuation && !in_message_) {
        return fail(DecodeError::unexpected_continuation);
    } else if (opcode != Opcode::continuation && in_message_) {
        return fail(DecodeError::expected_continuation);
    }
    const std::size_t extra = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    const std::size_t need = 2 + extra + (masked ? 4 : 0);
    if (avail < need)
        return Event{};
    std::uint64_t length = len7;
    if (extra) {
        length = 0;
        for (std::size_t i = 0; i < extra; ++i)
            length = (length << 8) | b[2 + i];
        if (extra == 8 && (length >> 63))
            return fail(DecodeError::length_msb_set);
        if (length < (extra == 2 ? 126u : 0x10000u))
            return fail(DecodeError::non_minimal_length);
    }
    FrameHeader h;
    h.fin = fin;
    h.rsv1 = rsv1;
    h.opcode = opcode;
    h.length = length;
    if (masked) {
        const unsigned char* k = b + 2 + extra;
        h.mask = (std::uint32_t{k[0]} << 24) | (std::uint32_t{k[1]} << 16) | (std::uint32_t{k[2]} << 8) | k[3];
    }
    if (!control) {
        if (length > limits_.max_frame)
            return fail(DecodeError::frame_too_big);
        if (opcode != Opcode::continuation) {
            in_message_ = true;
            message_opcode_ = opcode;
            compressed_ = rsv1;
            message_.clear();
            message_.reserve(last_message_size_);
            utf8_.reset();
        }
        // A compressed message is checked as it inflates; a plain one can be refused now.
        if (!compressed_ && message_.size() + length > limits_.max_message)
            return fail(DecodeError::message_too_big);
    }
    pos_ += need;
    frame_ = h;
    remaining_ = length;
    frame_done_ = 0;
    frame_start_ = message_.size();
    state_ = State::payload;
    return std::nullopt;
}

std::optional<Event> Decoder::read_payload()
{
    if (is_control(frame_.opcode))
        return control_frame();
    const std::size_t avail = end_ - pos_;
    const std::size_t n = remaining_ < avail ? static_cast<std::size_t>(remaining_) : avail;
    if (n == 0 && remaining_ > 0)
        return Event{};
    char* p = buffer_.get() + pos_;
    if (frame_.mask)
        apply_mask(p, n, *frame_.mask, frame_done_);
    const std::string_view chunk(p, n);
    pos_ += n;
    remaining_ -= n;
    frame_done_ += n;
    const std::size_t before = message_.size();
    const bool last = frame_.fin && remaining_ == 0;
    InflateStatus inflated = InflateStatus::ok;
    if (compressed_) {
        inflated = inflater_->inflate(chunk, message_, limits_.max_message);
        if (inflated == InflateStatus::ok && last)
            inflated = inflater_->finish(message_, limits_.max_message);
    } else {
        message_.append(chunk);
    }
    // The text that did come out is checked before a failure of the inflater is reported, so the
    // error does not depend on how the frame was cut into reads.
    if (message_opcode_ == Opcode::text && !utf8_.feed(std::string_view(message_).substr(before)))
        return fail(DecodeError::invalid_utf8);
    if (inflated == InflateStatus::bad_data)
        return fail(DecodeError::bad_compressed_data);
    if (inflated == InflateStatus::too_big)
        return fail(DecodeError::message_too_big);
    if (remaining_ > 0)
        return Event{};
    if (last && message_opcode_ == Opcode::text && !utf8_.complete())
        return fail(DecodeError::invalid_utf8);  // the message ends inside a sequence
    if (frame_.fin)
        in_message_ = false;
    state_ = frame_.fin ? State::message_ready : State::header;
    if (!report_frames_)
        return std::nullopt;
    Event ev;
    ev.kind = EventKind::frame;
    ev.opcode = frame_.opcode;
    ev.header = frame_;
    ev.payload = std::string_view(message_).substr(frame_start_);
    return ev;
}

std::optional<Event> Decoder::control_frame()
{
    const std::size_t length = static_cast<std::size_t>(frame_.length);
    if (end_ - pos_ < length)
        return Event{};
    control_.assign(buffer_.get() + pos_, length);
    pos_ += length;
    if (frame_.mask)
        apply_mask(control_.data(), control_.size(), *frame_.mask);
    state_ = State::header;
    Event ev;
    ev.opcode = frame_.opcode;
    ev.header = frame_;
    ev.payload = control_;
    if (frame_.opcode == Opcode::ping) {
        ev.kind = EventKind::ping;
    } else if (frame_.opcode == Opcode::pong) {
        ev.kind = EventKind::pong;
    } else {
        ev.kind = EventKind::close;
        if (length == 1)
            return fail(DecodeError::bad_close_length);
        if (length >= 2) {
            const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(control_[0]) << 8) |
                                                         static_cast<unsigned char>(control_[1]));
            if (!is_sendable_close_code(code))
                return fail(DecodeError::bad_close_code);
            ev.close.code = code;
            ev.close.reason = control_.substr(2);
            if (!is_valid_utf8(ev.close.reason))
                return fail(DecodeError::invalid_utf8);
        }
    }
    return ev;
}

}  // namespace layer7::http::websocket
