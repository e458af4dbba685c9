// WebSocket framing vocabulary: see frame.hpp.
#include "http/websocket/frame.hpp"

#include <cstring>

namespace layer7::http::websocket {

bool is_control(Opcode op)
{
    return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

bool is_known_opcode(std::uint8_t op)
{
    return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

std::string_view opcode_name(Opcode op)
{
    switch (op) {
    case Opcode::continuation: return "CONT";
    case Opcode::text: return "TEXT";
    case Opcode::binary: return "BINARY";
    case Opcode::close: return "CLOSE";
    case Opcode::ping: return "PING";
    case Opcode::pong: return "PONG";
    }
    return "?";
}

bool is_sendable_close_code(std::uint16_t code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

void append_header(std::string& out, const FrameHeader& h)
{
    char head[14];
    std::size_t n = 0;
    head[n++] = static_cast<char>((h.fin ? 0x80 : 0) | (h.rsv1 ? 0x40 : 0) | static_cast<std::uint8_t>(h.opcode));
    const char mask_bit = h.mask ? static_cast<char>(0x80) : 0;
    if (h.length < 126) {
        head[n++] = static_cast<char>(mask_bit | static_cast<char>(h.length));
    } else if (h.length <= 0xFFFF) {
        head[n++] = static_cast<char>(mask_bit | 126);
        head[n++] = static_cast<char>(h.length >> 8);
        head[n++] = static_cast<char>(h.length);
    } else {
        head[n++] = static_cast<char>(mask_bit | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            head[n++] = static_cast<char>(h.length >> shift);
    }
    if (h.mask) {
        for (int shift = 24; shift >= 0; shift -= 8)
            head[n++] = static_cast<char>(*h.mask >> shift);
    }
    out.append(head, n);
}

void apply_mask(char* data, std::size_t size, std::uint32_t key, std::uint64_t offset)
{
    const std::uint8_t k[4] = {static_cast<std::uint8_t>(key >> 24), static_cast<std::uint8_t>(key >> 16),
                               static_cast<std::uint8_t>(key >> 8), static_cast<std::uint8_t>(key)};
    std::size_t i = 0;
    // Byte-wise until the key lines up with offset 0, then eight bytes at a time.
    for (; i < size && (offset + i) % 4 != 0; ++i)
        data[i] = static_cast<char>(data[i] ^ k[(offset + i) % 4]);
    std::uint8_t k8[8];
    for (int j = 0; j < 8; ++j)
        k8[j] = k[j % 4];
    std::uint64_t wide;
    std::memcpy(&wide, k8, 8);
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, data + i, 8);
        word ^= wide;
        std::memcpy(data + i, &word, 8);
    }
    for (; i < size; ++i)
        data[i] = static_cast<char>(data[i] ^ k[(offset + i) % 4]);
}

void append_frame(std::string& out, const FrameHeader& header, std::string_view payload)
{
    append_header(out, header);
    const std::size_t at = out.size();
    out.append(payload);
    if (header.mask)
        apply_mask(out.data() + at, payload.size(), *header.mask);
}

std::string encode_close_body(const CloseBody& body)
{
    std::string out;
    if (!body.code)
        return out;
    out.push_back(static_cast<char>(*body.code >> 8));
    out.push_back(static_cast<char>(*body.code & 0xFF));
    std::size_t room = max_control_payload - 2;
    std::string_view reason = body.reason;
    if (reason.size() > room) {
        // Never cut inside a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
        while (room > 0 && (static_cast<unsigned char>(reason[room]) & 0xC0) == 0x80)
            --room;
        reason = reason.substr(0, room);
    }
    out.append(reason);
    return out;
}

std::string describe_frame(Opcode opcode, bool fin, bool compressed, std::string_view payload)
{
    static const char* hex = "0123456789abcdef";
    std::string line(opcode_name(opcode));
    if (fin)
        line += " fin";
    if (compressed)
        line += " deflate";
    line += " " + std::to_string(payload.size());
    if (payload.empty())
        return line;
    line += ": ";
    constexpr std::size_t preview = 80;
    if (opcode == Opcode::close && payload.size() >= 2) {
        line += std::to_string((static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]));
        payload.remove_prefix(2);
        if (!payload.empty())
            line += " ";
    }
    if (opcode == Opcode::binary) {
        for (std::size_t i = 0; i < payload.size() && i < 16; ++i) {
            const auto c = static_cast<unsigned char>(payload[i]);
            line += {hex[c >> 4], hex[c & 15], ' '};
        }
        line.pop_back();
        if (payload.size() > 16)
            line += " ...";
        return line;
    }
    for (std::size_t i = 0; i < payload.size() && i < preview; ++i) {
        const auto c = static_cast<unsigned char>(payload[i]);
        if (c == '\\' || c < 0x20 || c == 0x7f)
            line += {'\\', 'x', hex[c >> 4], hex[c & 15]};
        else
            line.push_back(static_cast<char>(c));  // UTF-8 passes through
    }
    if (payload.size() > preview)
        line += "...";
    return line;
}

}  // namespace layer7::http::websocket
