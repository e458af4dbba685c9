// The peer wire protocol: see peer_wire.hpp.
#include "torrent/peer_wire.hpp"

#include <cstring>

namespace layer7::torrent {

namespace {

void put32(std::string& out, std::uint32_t v)
{
    out += static_cast<char>(v >> 24);
    out += static_cast<char>(v >> 16);
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v);
}

std::uint32_t get32(std::string_view in, std::size_t at)
{
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
        v = v << 8 | static_cast<unsigned char>(in[at + i]);
    return v;
}

// The payload size a fixed-size message must have (after the id byte); 0 for variable ones.
std::size_t fixed_size(MessageType t)
{
    switch (t) {
    case MessageType::choke:
    case MessageType::unchoke:
    case MessageType::interested:
    case MessageType::not_interested: return 1;
    case MessageType::have: return 5;
    case MessageType::request:
    case MessageType::cancel: return 13;
    case MessageType::port: return 3;
    default: return 0;
    }
}

MessageType type_of(std::uint8_t id)
{
    if (id <= 9 || id == 20)
        return static_cast<MessageType>(id);
    return MessageType::unknown;
}

}  // namespace

std::string_view to_string(WireError e)
{
    switch (e) {
    case WireError::bad_protocol: return "not a BitTorrent handshake";
    case WireError::message_too_large: return "message over the size limit";
    case WireError::bad_payload_size: return "message of the wrong size for its type";
    case WireError::block_too_large: return "block over the size limit";
    }
    return "?";
}

std::string encode_handshake(const Handshake& h)
{
    std::string out;
    out.reserve(handshake_size);
    out += static_cast<char>(protocol_string.size());
    out += protocol_string;
    out.append(reinterpret_cast<const char*>(h.reserved.data()), h.reserved.size());
    out += h.info_hash.raw();
    out += h.peer_id;
    out.resize(handshake_size, '\0');  // a short peer id is padded, never shifts the next message
    return out;
}

std::string encode_piece_head(std::uint32_t index, std::uint32_t begin, std::size_t block_length)
{
    std::string out;
    put32(out, static_cast<std::uint32_t>(9 + block_length));
    out += static_cast<char>(MessageType::piece);
    put32(out, index);
    put32(out, begin);
    return out;
}

std::string encode(const Message& m)
{
    std::string out;
    switch (m.type) {
    case MessageType::keep_alive: put32(out, 0); break;
    case MessageType::choke:
    case MessageType::unchoke:
    case MessageType::interested:
    case MessageType::not_interested:
        put32(out, 1);
        out += static_cast<char>(m.type);
        break;
    case MessageType::have:
        put32(out, 5);
        out += static_cast<char>(m.type);
        put32(out, m.index);
        break;
    case MessageType::request:
    case MessageType::cancel:
        put32(out, 13);
        out += static_cast<char>(m.type);
        put32(out, m.index);
        put32(out, m.begin);
        put32(out, m.length);
        break;
    case MessageType::bitfield:
        put32(out, static_cast<std::uint32_t>(1 + m.payload.size()));
        out += static_cast<char>(m.type);
        out += m.payload;
        break;
    case MessageType::piece:
        out = encode_piece_head(m.index, m.begin, m.payload.size());
        out += m.payload;
        break;
    case MessageType::port:
        put32(out, 3);
        out += static_cast<char>(m.type);
        out += static_cast<char>(m.port >> 8);
        out += static_cast<char>(m.port & 0xff);
        break;
    case MessageType::extended:
        put32(out, static_cast<std::uint32_t>(2 + m.payload.size()));
        out += static_cast<char>(m.type);
        out += static_cast<char>(m.extended_id);
        out += m.payload;
        break;
    case MessageType::unknown: break;  // nothing we would send
    }
    return out;
}

std::string describe(const Message& m)
{
    const auto n = [](std::uint32_t v) { return std::to_string(v); };
    switch (m.type) {
    case MessageType::keep_alive: return "keep-alive";
    case MessageType::choke: return "choke";
    case MessageType::unchoke: return "unchoke";
    case MessageType::interested: return "interested";
    case MessageType::not_interested: return "not interested";
    case MessageType::have: return "have " + n(m.index);
    case MessageType::bitfield: return "bitfield (" + std::to_string(m.payload.size()) + " bytes)";
    case MessageType::request: return "request " + n(m.index) + " " + n(m.begin) + " " + n(m.length);
    case MessageType::cancel: return "cancel " + n(m.index) + " " + n(m.begin) + " " + n(m.length);
    case MessageType::piece:
        return "piece " + n(m.index) + " " + n(m.begin) + " (" + std::to_string(m.payload.size()) + " bytes)";
    case MessageType::port: return "port " + n(m.port);
    case MessageType::extended:
        return "extended " + n(m.extended_id) + " (" + std::to_string(m.payload.size()) + " bytes)";
    case MessageType::unknown: return "unknown message";
    }
    return "?";
}

std::string describe(const Handshake& h)
{
    std::string id;
    for (char c : h.peer_id)
        id += (c >= 0x20 && c < 0x7f) ? c : '.';
    return "handshake " + h.info_hash.hex() + " peer " + id + (h.extensions() ? " +extensions" : "");
}

void WireDecoder::feed(std::string_view bytes)
{
    if (start_ > 0 && start_ * 2 >= buffer_.size()) {  // amortised: each byte moves at most once more
        buffer_.erase(0, start_);
        start_ = 0;
    }
    buffer_.append(bytes);
}

void WireDecoder::consume(std::size_t n)
{
    start_ += n;
    if (start_ == buffer_.size()) {
        buffer_.clear();
        start_ = 0;
    }
}

core::Result<std::optional<Handshake>, WireError> WireDecoder::handshake()
{
    const std::string_view in = std::string_view(buffer_).substr(start_);
    // Check the prefix as soon as it is here: an HTTP request or garbage fails at once.
    const std::size_t seen = std::min(in.size(), 1 + protocol_string.size());
    if (seen > 0 && static_cast<unsigned char>(in[0]) != protocol_string.size())
        return core::fail(WireError::bad_protocol);
    if (seen > 1 && in.substr(1, seen - 1) != protocol_string.substr(0, seen - 1))
        return core::fail(WireError::bad_protocol);
    if (in.size() < handshake_size)
        return std::optional<Handshake>{};
    Handshake h;
    std::memcpy(h.reserved.data(), in.data() + 20, 8);
    h.info_hash = *InfoHash::from_raw(in.substr(28, 20));
    h.peer_id = std::string(in.substr(48, 20));
    consume(handshake_size);
    return std::optional<Handshake>{std::move(h)};
}

core::Result<std::optional<Message>, WireError> WireDecoder::next()
{
    const std::string_view in = std::string_view(buffer_).substr(start_);
    if (in.size() < 4)
        return std::optional<Message>{};
    const std::uint32_t length = get32(in, 0);
    if (length > limits_.max_message)
        return core::fail(WireError::message_too_large);
    if (in.size() < 4 + std::size_t{length})
        return std::optional<Message>{};
    Message m;
    if (length == 0) {
        consume(4);
        return std::optional<Message>{std::move(m)};
    }
    const std::string_view body = in.substr(4, length);
    m.type = type_of(static_cast<std::uint8_t>(body[0]));
    if (const std::size_t want = fixed_size(m.type); want != 0 && body.size() != want)
        return core::fail(WireError::bad_payload_size);
    switch (m.type) {
    case MessageType::have: m.index = get32(body, 1); break;
    case MessageType::request:
    case MessageType::cancel:
        m.index = get32(body, 1);
        m.begin = get32(body, 5);
        m.length = get32(body, 9);
        if (m.length > limits_.max_block)
            return core::fail(WireError::block_too_large);
        break;
    case MessageType::piece:
        if (body.size() < 9)
            return core::fail(WireError::bad_payload_size);
        if (body.size() - 9 > limits_.max_block)
            return core::fail(WireError::block_too_large);
        m.index = get32(body, 1);
        m.begin = get32(body, 5);
        m.payload = std::string(body.substr(9));
        break;
    case MessageType::bitfield: m.payload = std::string(body.substr(1)); break;
    case MessageType::port:
        m.port =
            static_cast<std::uint16_t>(static_cast<unsigned char>(body[1]) << 8 | static_cast<unsigned char>(body[2]));
        break;
    case MessageType::extended:
        if (body.size() < 2)
            return core::fail(WireError::bad_payload_size);
        m.extended_id = static_cast<std::uint8_t>(body[1]);
        m.payload = std::string(body.substr(2));
        break;
    default: break;
    }
    consume(4 + std::size_t{length});
    return std::optional<Message>{std::move(m)};
}

}  // namespace layer7::torrent
