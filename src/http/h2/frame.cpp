// HTTP/2 frames on the wire: see frame.hpp.
#include "http/h2/frame.hpp"

#include <array>

namespace layer7::http::h2 {

namespace {

void put_u32(std::uint8_t* p, std::uint32_t v)
{
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

std::uint8_t* grow(std::string& out, std::size_t n)
{
    const std::size_t at = out.size();
    out.resize(at + n);
    return reinterpret_cast<std::uint8_t*>(out.data() + at);
}

}  // namespace

std::uint32_t read_u32(const std::uint8_t* p)
{
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

FrameHeader decode_frame_header(const std::uint8_t* p)
{
    FrameHeader h;
    h.length = std::uint32_t{p[0]} << 16 | std::uint32_t{p[1]} << 8 | p[2];
    h.type = p[3];
    h.flags = p[4];
    h.stream = static_cast<std::int32_t>(read_u32(p + 5) & 0x7fffffffu);  // §4.1: the R bit is ignored
    return h;
}

Setting decode_setting(std::span<const std::uint8_t> payload, std::size_t i)
{
    const std::uint8_t* p = payload.data() + 6 * i;
    return {static_cast<std::uint16_t>(p[0] << 8 | p[1]), read_u32(p + 2)};
}

void encode_frame_header(std::uint8_t* p, std::uint32_t length, FrameType type, std::uint8_t flags, std::int32_t stream)
{
    p[0] = static_cast<std::uint8_t>(length >> 16);
    p[1] = static_cast<std::uint8_t>(length >> 8);
    p[2] = static_cast<std::uint8_t>(length);
    p[3] = static_cast<std::uint8_t>(type);
    p[4] = flags;
    put_u32(p + 5, static_cast<std::uint32_t>(stream));
}

void append_frame_header(std::string& out, std::uint32_t length, FrameType type, std::uint8_t flags,
                         std::int32_t stream)
{
    encode_frame_header(grow(out, frame_header_size), length, type, flags, stream);
}

void append_settings(std::string& out, std::span<const Setting> settings)
{
    const auto length = static_cast<std::uint32_t>(6 * settings.size());
    std::uint8_t* p = grow(out, frame_header_size + length);
    encode_frame_header(p, length, FrameType::settings, 0, 0);
    p += frame_header_size;
    for (const Setting& s : settings) {
        p[0] = static_cast<std::uint8_t>(s.id >> 8);
        p[1] = static_cast<std::uint8_t>(s.id);
        put_u32(p + 2, s.value);
        p += 6;
    }
}

void append_settings_ack(std::string& out)
{
    append_frame_header(out, 0, FrameType::settings, flag::ack, 0);
}

void append_window_update(std::string& out, std::int32_t stream, std::uint32_t increment)
{
    std::uint8_t* p = grow(out, frame_header_size + 4);
    encode_frame_header(p, 4, FrameType::window_update, 0, stream);
    put_u32(p + frame_header_size, increment & 0x7fffffffu);
}

void append_rst_stream(std::string& out, std::int32_t stream, ErrorCode code)
{
    std::uint8_t* p = grow(out, frame_header_size + 4);
    encode_frame_header(p, 4, FrameType::rst_stream, 0, stream);
    put_u32(p + frame_header_size, static_cast<std::uint32_t>(code));
}

void append_goaway(std::string& out, std::int32_t last_stream, ErrorCode code)
{
    std::uint8_t* p = grow(out, frame_header_size + 8);
    encode_frame_header(p, 8, FrameType::goaway, 0, 0);
    put_u32(p + frame_header_size, static_cast<std::uint32_t>(last_stream));
    put_u32(p + frame_header_size + 4, static_cast<std::uint32_t>(code));
}

void append_ping_ack(std::string& out, std::span<const std::uint8_t, 8> opaque)
{
    std::uint8_t* p = grow(out, frame_header_size + 8);
    encode_frame_header(p, 8, FrameType::ping, flag::ack, 0);
    for (std::size_t i = 0; i < 8; ++i)
        p[frame_header_size + i] = opaque[i];
}

std::string_view error_name(std::uint32_t code)
{
    static constexpr std::array<std::string_view, 14> names{"NO_ERROR",
                                                            "PROTOCOL_ERROR",
                                                            "INTERNAL_ERROR",
                                                            "FLOW_CONTROL_ERROR",
                                                            "SETTINGS_TIMEOUT",
                                                            "STREAM_CLOSED",
                                                            "FRAME_SIZE_ERROR",
                                                            "REFUSED_STREAM",
                                                            "CANCEL",
                                                            "COMPRESSION_ERROR",
                                                            "CONNECT_ERROR",
                                                            "ENHANCE_YOUR_CALM",
                                                            "INADEQUATE_SECURITY",
                                                            "HTTP_1_1_REQUIRED"};
    return code < names.size() ? names[code] : "unknown";
}

std::string_view setting_name(std::uint16_t id)
{
    switch (static_cast<SettingId>(id)) {
    case SettingId::header_table_size: return "HEADER_TABLE_SIZE";
    case SettingId::enable_push: return "ENABLE_PUSH";
    case SettingId::max_concurrent_streams: return "MAX_CONCURRENT_STREAMS";
    case SettingId::initial_window_size: return "INITIAL_WINDOW_SIZE";
    case SettingId::max_frame_size: return "MAX_FRAME_SIZE";
    case SettingId::max_header_list_size: return "MAX_HEADER_LIST_SIZE";
    case SettingId::enable_connect_protocol: return "ENABLE_CONNECT_PROTOCOL";
    case SettingId::no_rfc7540_priorities: return "NO_RFC7540_PRIORITIES";
    }
    return "UNKNOWN";
}

}  // namespace layer7::http::h2
