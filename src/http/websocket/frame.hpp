// WebSocket framing vocabulary (RFC 6455 §5.2): opcodes, close codes, the frame header encoder and
// the Close frame body (§5.5.1). Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::http::websocket {

enum class Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};
bool is_control(Opcode op);
// One of the six opcodes RFC 6455 §11.8 defines; anything else is failed with 1002.
bool is_known_opcode(std::uint8_t op);
std::string_view opcode_name(Opcode op);

// Close status codes (RFC 6455 §7.4.1, IANA registry).
enum class CloseCode : std::uint16_t {
    normal = 1000,
    going_away = 1001,
    protocol_error = 1002,
    unsupported_data = 1003,
    no_status = 1005,        // never on the wire: "the Close had no code"
    abnormal = 1006,         // never on the wire: "no Close frame at all"
    invalid_payload = 1007,  // e.g. a text message that is not UTF-8
    policy_violation = 1008,
    message_too_big = 1009,
    missing_extension = 1010,
    internal_error = 1011,
};
// Whether an endpoint may send `code` in a Close frame (§7.4.1, §7.4.2): 1000–1003, 1007–1014
// (1012–1014 registered later with IANA) and 3000–4999 (libraries, applications).
bool is_sendable_close_code(std::uint16_t code);

// The largest payload of a control frame (§5.5): 125 bytes, so its length fits the 7-bit field.
inline constexpr std::size_t max_control_payload = 125;

struct FrameHeader {
    bool fin = true;
    bool rsv1 = false;  // permessage-deflate: "this message is compressed" (RFC 7692 §6)
    Opcode opcode = Opcode::text;
    std::optional<std::uint32_t> mask;  // client → server frames are masked (§5.3)
    std::uint64_t length = 0;
};

// Appends the header with the shortest length encoding (§5.2: "the minimal number of bytes").
void append_header(std::string& out, const FrameHeader& header);
// XORs `data` with `key`, starting `offset` bytes into the payload (§5.3).
void apply_mask(char* data, std::size_t size, std::uint32_t key, std::uint64_t offset = 0);
// Appends a whole frame: header, then `payload` masked when the header has a key.
void append_frame(std::string& out, const FrameHeader& header, std::string_view payload);

// A Close frame's body: no code (empty body), or a code and a UTF-8 reason (§5.5.1).
struct CloseBody {
    std::optional<std::uint16_t> code;
    std::string reason;
};
// Encodes the body; the reason is cut to fit a control frame (at a UTF-8 boundary).
std::string encode_close_body(const CloseBody& body);

// One frame as a --trace line: "TEXT fin 5: hello", "CLOSE fin 2: 1000", "BINARY 70000: 00 01 …".
std::string describe_frame(Opcode opcode, bool fin, bool compressed, std::string_view payload);

}  // namespace layer7::http::websocket
