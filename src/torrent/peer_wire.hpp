// The peer wire protocol (BEP 3): the 68-byte handshake — with BEP 10's extension bit in the
// reserved bytes — then length-prefixed messages. Decoder takes bytes as they arrive and hands
// back whole messages; a length over the limit or a payload of the wrong size is an error that
// drops the peer (pure).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "torrent/info_hash.hpp"

namespace layer7::torrent {

inline constexpr std::string_view protocol_string = "BitTorrent protocol";
inline constexpr std::size_t handshake_size = 1 + 19 + 8 + 20 + 20;
inline constexpr std::uint32_t block_size = 16 * 1024;  // BEP 3: "all current implementations use 2^14"

struct Handshake {
    std::array<std::uint8_t, 8> reserved{};
    InfoHash info_hash;
    std::string peer_id;  // 20 bytes

    // BEP 10: bit 20 from the right, 0x10 in reserved byte 5.
    bool extensions() const { return reserved[5] & 0x10; }
    void set_extensions() { reserved[5] |= 0x10; }
};

enum class MessageType : std::uint8_t {
    choke = 0,
    unchoke = 1,
    interested = 2,
    not_interested = 3,
    have = 4,
    bitfield = 5,
    request = 6,
    piece = 7,
    cancel = 8,
    port = 9,           // BEP 5 (DHT): decoded so it can be ignored
    extended = 20,      // BEP 10
    keep_alive = 0xfe,  // the zero-length message; not a wire id
    unknown = 0xff,     // an id we do not speak: ignored, as other clients do
};

struct Message {
    MessageType type = MessageType::keep_alive;
    std::uint32_t index = 0;       // have, request, piece, cancel
    std::uint32_t begin = 0;       // request, piece, cancel
    std::uint32_t length = 0;      // request, cancel
    std::uint8_t extended_id = 0;  // extended: 0 is the extension handshake
    std::uint16_t port = 0;        // port
    std::string payload;           // bitfield bytes, a piece's block, an extended message's body

    static Message simple(MessageType t)
    {
        Message m;
        m.type = t;
        return m;
    }
    static Message have(std::uint32_t index)
    {
        Message m = simple(MessageType::have);
        m.index = index;
        return m;
    }
    static Message request(std::uint32_t index, std::uint32_t begin, std::uint32_t length)
    {
        return ranged(MessageType::request, index, begin, length);
    }
    static Message cancel(std::uint32_t index, std::uint32_t begin, std::uint32_t length)
    {
        return ranged(MessageType::cancel, index, begin, length);
    }
    static Message with_payload(MessageType t, std::string payload)
    {
        Message m = simple(t);
        m.payload = std::move(payload);
        return m;
    }

private:
    static Message ranged(MessageType t, std::uint32_t index, std::uint32_t begin, std::uint32_t length)
    {
        Message m = simple(t);
        m.index = index;
        m.begin = begin;
        m.length = length;
        return m;
    }
};

enum class WireError {
    bad_protocol,       // the handshake does not start with 19 "BitTorrent protocol"
    message_too_large,  // a length prefix over WireLimits::max_message
    bad_payload_size,   // a fixed-size message with another size, or a piece without its header
    block_too_large,    // a piece or request for more than WireLimits::max_block
};
std::string_view to_string(WireError e);

struct WireLimits {
    // A bitfield of 2^20 bytes covers 8M pieces (2 TiB at 256 KiB); anything else is far smaller.
    std::size_t max_message = (1u << 20) + 13;
    // libtorrent and aria2 refuse requests over 128 KiB, and so do we; we send 16 KiB.
    std::uint32_t max_block = 128 * 1024;
};

std::string encode_handshake(const Handshake& h);
std::string encode(const Message& m);
// Only the 13-byte head of a piece message, for a block the caller sends after it.
std::string encode_piece_head(std::uint32_t index, std::uint32_t begin, std::size_t block_length);

// One line for --trace: "unchoke", "have 3", "request 3 16384 16384", "piece 3 0 (16384 bytes)".
std::string describe(const Message& m);
std::string describe(const Handshake& h);

class WireDecoder {
public:
    explicit WireDecoder(const WireLimits& limits = {}) : limits_(limits) {}

    void feed(std::string_view bytes);
    // The handshake, once all 68 bytes are here; call it first, then only next().
    core::Result<std::optional<Handshake>, WireError> handshake();
    // The next whole message; nullopt when more bytes are needed. After an error, stop reading.
    core::Result<std::optional<Message>, WireError> next();
    std::size_t buffered() const { return buffer_.size() - start_; }

private:
    void consume(std::size_t n);

    WireLimits limits_;
    std::string buffer_;
    std::size_t start_ = 0;  // what is consumed of buffer_; compacted in feed()
};

}  // namespace layer7::torrent
