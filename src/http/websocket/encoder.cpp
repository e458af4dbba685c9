// The sending half of a WebSocket connection: see encoder.hpp.
#include "http/websocket/encoder.hpp"

namespace layer7::http::websocket {

Encoder::Encoder(Side we, const std::optional<DeflateParams>& deflate, std::function<std::uint32_t()> mask_source)
    : we_(we), mask_source_(std::move(mask_source))
{
    if (deflate) {
        const bool server = we == Side::server;
        deflater_ = std::make_unique<Deflater>(
            server ? deflate->server_max_window_bits : deflate->client_max_window_bits,
            server ? deflate->server_no_context_takeover : deflate->client_no_context_takeover);
    }
}

FrameHeader Encoder::header(Opcode opcode, bool fin, bool rsv1, std::uint64_t length)
{
    FrameHeader h;
    h.fin = fin;
    h.rsv1 = rsv1;
    h.opcode = opcode;
    h.length = length;
    if (we_ == Side::client)
        h.mask = mask_source_ ? mask_source_() : 0;
    return h;
}

void Encoder::message(std::string& out, Opcode opcode, std::string_view payload, std::size_t fragment)
{
    const bool compressed = deflater_ != nullptr;
    if (compressed) {
        scratch_.clear();
        deflater_->compress(payload, scratch_);
        payload = scratch_;
    }
    if (fragment == 0 || payload.size() <= fragment) {
        append_frame(out, header(opcode, true, compressed, payload.size()), payload);
        return;
    }
    // RSV1 marks the first frame only (RFC 7692 §6.1); the rest are continuations.
    for (std::size_t at = 0; at < payload.size(); at += fragment) {
        const std::string_view piece = payload.substr(at, fragment);
        const bool first = at == 0, last = at + fragment >= payload.size();
        append_frame(out, header(first ? opcode : Opcode::continuation, last, first && compressed, piece.size()),
                     piece);
    }
}

void Encoder::message_head(std::string& out, Opcode opcode, std::size_t length)
{
    append_header(out, header(opcode, true, false, length));
}

void Encoder::control(std::string& out, Opcode opcode, std::string_view payload)
{
    payload = payload.substr(0, max_control_payload);
    append_frame(out, header(opcode, true, false, payload.size()), payload);
}

void Encoder::close(std::string& out, const CloseBody& body)
{
    const std::string payload = encode_close_body(body);
    append_frame(out, header(Opcode::close, true, false, payload.size()), payload);
}

}  // namespace layer7::http::websocket
