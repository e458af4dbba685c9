// The sending half of a WebSocket connection (RFC 6455 §5, RFC 7692 §6): messages and control
// frames to wire bytes. A client masks every frame with a fresh key from `mask_source` (§5.3);
// a server never masks. With permessage-deflate, data messages go out compressed (RSV1 set).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/websocket/decoder.hpp"
#include "http/websocket/deflate.hpp"
#include "http/websocket/frame.hpp"

namespace layer7::http::websocket {

class Encoder {
public:
    // `mask_source` (client only) gives each frame's masking key; §10.3 wants it unpredictable.
    Encoder(Side we, const std::optional<DeflateParams>& deflate, std::function<std::uint32_t()> mask_source = {});

    // Appends one data message (text or binary) to `out`, split into frames of at most
    // `fragment` payload bytes when non-zero (§5.4).
    void message(std::string& out, Opcode opcode, std::string_view payload, std::size_t fragment = 0);
    // A server's uncompressed message goes out as it is, so the payload need not be copied into
    // `out`: message_head() appends only the head of the single frame that carries it.
    bool sends_payload_as_is() const { return we_ == Side::server && !deflater_; }
    void message_head(std::string& out, Opcode opcode, std::size_t length);
    // Appends a ping or pong; the payload is cut to 125 bytes.
    void control(std::string& out, Opcode opcode, std::string_view payload);
    // Appends a Close frame.
    void close(std::string& out, const CloseBody& body);
    bool compressing() const { return deflater_ != nullptr; }

private:
    FrameHeader header(Opcode opcode, bool fin, bool rsv1, std::uint64_t length);

    Side we_;
    std::unique_ptr<Deflater> deflater_;
    std::function<std::uint32_t()> mask_source_;
    std::string scratch_;  // the compressed message, reused
};

}  // namespace layer7::http::websocket
