// Frames as --trace prints them: see frame_text.hpp.
#include "http/h2/frame_text.hpp"

#include <nghttp2/nghttp2.h>

#include <array>

#include "http/h2/frame.hpp"

namespace layer7::http::h2 {
namespace {

std::string flag_names(std::uint8_t type, std::uint8_t flags)
{
    std::string s;
    auto add = [&](std::string_view name) {
        if (!s.empty())
            s += '|';
        s += name;
    };
    const auto t = static_cast<FrameType>(type);
    const bool settings_or_ping = t == FrameType::settings || t == FrameType::ping;
    if (settings_or_ping && (flags & flag::ack))
        add("ACK");
    if (!settings_or_ping && (flags & flag::end_stream))
        add("END_STREAM");
    if ((t == FrameType::headers || t == FrameType::continuation) && (flags & flag::end_headers))
        add("END_HEADERS");
    if (t == FrameType::headers && (flags & flag::priority))
        add("PRIORITY");
    return s;
}

void put_u32(std::string& out, std::uint32_t v)
{
    for (int shift : {24, 16, 8, 0})
        out += static_cast<char>(v >> shift);
}

}  // namespace

std::string_view frame_type_name(std::uint8_t type)
{
    static constexpr std::array<std::string_view, 10> names{"DATA",          "HEADERS",      "PRIORITY", "RST_STREAM",
                                                            "SETTINGS",      "PUSH_PROMISE", "PING",     "GOAWAY",
                                                            "WINDOW_UPDATE", "CONTINUATION"};
    if (type < names.size())
        return names[type];
    switch (static_cast<FrameType>(type)) {
    case FrameType::altsvc: return "ALTSVC";
    case FrameType::origin: return "ORIGIN";
    case FrameType::priority_update: return "PRIORITY_UPDATE";
    default: return "UNKNOWN";
    }
}

std::string frame_line(std::uint8_t type, std::uint8_t flags, std::int32_t stream, std::size_t length,
                       std::span<const std::uint8_t> payload)
{
    std::string line(frame_type_name(type));
    line += " stream=" + std::to_string(stream) + " length=" + std::to_string(length);
    if (const std::string names = flag_names(type, flags); !names.empty())
        line += " flags=" + names;
    switch (static_cast<FrameType>(type)) {
    case FrameType::settings:
        for (std::size_t i = 0; i < payload.size() / 6; ++i) {
            const Setting s = decode_setting(payload, i);
            line += " " + std::string(setting_name(s.id)) + "=" + std::to_string(s.value);
        }
        break;
    case FrameType::window_update:
        if (payload.size() >= 4)
            line += " increment=" + std::to_string(read_u32(payload.data()) & 0x7fffffffu);
        break;
    case FrameType::rst_stream:
        if (payload.size() >= 4)
            line += " error=" + std::string(error_name(read_u32(payload.data())));
        break;
    case FrameType::goaway:
        if (payload.size() >= 8)
            line += " last_stream=" + std::to_string(read_u32(payload.data()) & 0x7fffffffu) +
                    " error=" + std::string(error_name(read_u32(payload.data() + 4)));
        break;
    default: break;
    }
    return line;
}

std::string frame_line(const void* frame_p)
{
    // nghttp2 has parsed the payload: the details are written back in wire form.
    const auto* frame = static_cast<const nghttp2_frame*>(frame_p);
    const nghttp2_frame_hd& hd = frame->hd;
    std::string payload;
    switch (hd.type) {
    case NGHTTP2_SETTINGS:
        for (std::size_t i = 0; i < frame->settings.niv; ++i) {
            const auto id = static_cast<std::uint16_t>(frame->settings.iv[i].settings_id);
            payload += static_cast<char>(id >> 8);
            payload += static_cast<char>(id);
            put_u32(payload, frame->settings.iv[i].value);
        }
        break;
    case NGHTTP2_WINDOW_UPDATE:
        put_u32(payload, static_cast<std::uint32_t>(frame->window_update.window_size_increment));
        break;
    case NGHTTP2_RST_STREAM: put_u32(payload, frame->rst_stream.error_code); break;
    case NGHTTP2_GOAWAY:
        put_u32(payload, static_cast<std::uint32_t>(frame->goaway.last_stream_id));
        put_u32(payload, frame->goaway.error_code);
        break;
    default: break;
    }
    return frame_line(hd.type, hd.flags, hd.stream_id, hd.length,
                      {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
}

}  // namespace layer7::http::h2
