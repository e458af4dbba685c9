// HTTP/2 frames on the wire (RFC 9113 §4, §6): the 9-byte frame header, frame types, flags, error
// codes and settings identifiers, and encoders for the frames the server sends. Our own framing
// (nghttp2 is kept for HPACK only): these are plain bytes appended to a std::string.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace layer7::http::h2 {

// RFC 9113 §6 and RFC 9218 §7.1.
enum class FrameType : std::uint8_t {
    data = 0x0,
    headers = 0x1,
    priority = 0x2,
    rst_stream = 0x3,
    settings = 0x4,
    push_promise = 0x5,
    ping = 0x6,
    goaway = 0x7,
    window_update = 0x8,
    continuation = 0x9,
    altsvc = 0xa,
    origin = 0xc,
    priority_update = 0x10,
};

namespace flag {
constexpr std::uint8_t end_stream = 0x1;   // DATA, HEADERS
constexpr std::uint8_t ack = 0x1;          // SETTINGS, PING
constexpr std::uint8_t end_headers = 0x4;  // HEADERS, CONTINUATION
constexpr std::uint8_t padded = 0x8;       // DATA, HEADERS
constexpr std::uint8_t priority = 0x20;    // HEADERS
}  // namespace flag

// RFC 9113 §7.
enum class ErrorCode : std::uint32_t {
    no_error = 0x0,
    protocol_error = 0x1,
    internal_error = 0x2,
    flow_control_error = 0x3,
    settings_timeout = 0x4,
    stream_closed = 0x5,
    frame_size_error = 0x6,
    refused_stream = 0x7,
    cancel = 0x8,
    compression_error = 0x9,
    connect_error = 0xa,
    enhance_your_calm = 0xb,
    inadequate_security = 0xc,
    http_1_1_required = 0xd,
};

// RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1.
enum class SettingId : std::uint16_t {
    header_table_size = 0x1,
    enable_push = 0x2,
    max_concurrent_streams = 0x3,
    initial_window_size = 0x4,
    max_frame_size = 0x5,
    max_header_list_size = 0x6,
    enable_connect_protocol = 0x8,
    no_rfc7540_priorities = 0x9,
};

constexpr std::size_t frame_header_size = 9;
constexpr std::uint32_t default_max_frame_size = 16384;                          // RFC 9113 §4.2: what we accept
constexpr std::uint32_t largest_max_frame_size = 16777215;                       // 2^24-1
constexpr std::int64_t default_window = 65535;                                   // RFC 9113 §6.9.2
constexpr std::int64_t max_window = 0x7fffffff;                                  // 2^31-1 (§6.9.1)
constexpr std::string_view client_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";  // §3.4

struct FrameHeader {
    std::uint32_t length = 0;  // 24 bits
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    std::int32_t stream = 0;  // the reserved bit cleared
};

struct Setting {
    std::uint16_t id;
    std::uint32_t value;
};

// The 9 bytes at `p` (which must hold them).
FrameHeader decode_frame_header(const std::uint8_t* p);
std::uint32_t read_u32(const std::uint8_t* p);
// Setting `i` of a SETTINGS payload (6 bytes each).
Setting decode_setting(std::span<const std::uint8_t> payload, std::size_t i);

// Writes a frame header at `p` (9 bytes).
void encode_frame_header(std::uint8_t* p, std::uint32_t length, FrameType type, std::uint8_t flags,
                         std::int32_t stream);
// Appends whole frames to `out`.
void append_frame_header(std::string& out, std::uint32_t length, FrameType type, std::uint8_t flags,
                         std::int32_t stream);
void append_settings(std::string& out, std::span<const Setting> settings);
void append_settings_ack(std::string& out);
void append_window_update(std::string& out, std::int32_t stream, std::uint32_t increment);
void append_rst_stream(std::string& out, std::int32_t stream, ErrorCode code);
void append_goaway(std::string& out, std::int32_t last_stream, ErrorCode code);
void append_ping_ack(std::string& out, std::span<const std::uint8_t, 8> opaque);

// RFC names: "PROTOCOL_ERROR", "HEADER_TABLE_SIZE"; "unknown" / "UNKNOWN" otherwise.
std::string_view error_name(std::uint32_t code);
std::string_view setting_name(std::uint16_t id);

}  // namespace layer7::http::h2
