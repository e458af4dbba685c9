// Frames as --trace prints them: see frame_text.hpp.
#include "http/h2/frame_text.hpp"

#include <nghttp2/nghttp2.h>

#include <array>

namespace layer7::http::h2 {
namespace {

std::string flag_names(const nghttp2_frame_hd& hd)
{
    std::string s;
    auto add = [&](std::string_view name) {
        if (!s.empty())
            s += '|';
        s += name;
    };
    const bool settings_or_ping = hd.type == NGHTTP2_SETTINGS || hd.type == NGHTTP2_PING;
    if (settings_or_ping && (hd.flags & NGHTTP2_FLAG_ACK))
        add("ACK");
    if (!settings_or_ping && (hd.flags & NGHTTP2_FLAG_END_STREAM))
        add("END_STREAM");
    if ((hd.type == NGHTTP2_HEADERS || hd.type == NGHTTP2_CONTINUATION) && (hd.flags & NGHTTP2_FLAG_END_HEADERS))
        add("END_HEADERS");
    if (hd.type == NGHTTP2_HEADERS && (hd.flags & NGHTTP2_FLAG_PRIORITY))
        add("PRIORITY");
    return s;
}

std::string_view settings_name(std::int32_t id)
{
    switch (id) {
    case NGHTTP2_SETTINGS_HEADER_TABLE_SIZE: return "HEADER_TABLE_SIZE";
    case NGHTTP2_SETTINGS_ENABLE_PUSH: return "ENABLE_PUSH";
    case NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS: return "MAX_CONCURRENT_STREAMS";
    case NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE: return "INITIAL_WINDOW_SIZE";
    case NGHTTP2_SETTINGS_MAX_FRAME_SIZE: return "MAX_FRAME_SIZE";
    case NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE: return "MAX_HEADER_LIST_SIZE";
    case NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL: return "ENABLE_CONNECT_PROTOCOL";
    case NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES: return "NO_RFC7540_PRIORITIES";
    default: return "UNKNOWN";
    }
}

}  // namespace

std::string_view frame_type_name(std::uint8_t type)
{
    static constexpr std::array<std::string_view, 10> names{"DATA",          "HEADERS",      "PRIORITY", "RST_STREAM",
                                                            "SETTINGS",      "PUSH_PROMISE", "PING",     "GOAWAY",
                                                            "WINDOW_UPDATE", "CONTINUATION"};
    if (type < names.size())
        return names[type];
    if (type == NGHTTP2_ALTSVC)
        return "ALTSVC";
    if (type == NGHTTP2_ORIGIN)
        return "ORIGIN";
    if (type == NGHTTP2_PRIORITY_UPDATE)
        return "PRIORITY_UPDATE";
    return "UNKNOWN";
}

std::string frame_line(const void* frame_p)
{
    const auto* frame = static_cast<const nghttp2_frame*>(frame_p);
    const nghttp2_frame_hd& hd = frame->hd;
    std::string line(frame_type_name(hd.type));
    line += " stream=" + std::to_string(hd.stream_id) + " length=" + std::to_string(hd.length);
    if (const std::string flags = flag_names(hd); !flags.empty())
        line += " flags=" + flags;
    switch (hd.type) {
    case NGHTTP2_SETTINGS:
        for (std::size_t i = 0; i < frame->settings.niv; ++i)
            line += " " + std::string(settings_name(frame->settings.iv[i].settings_id)) + "=" +
                    std::to_string(frame->settings.iv[i].value);
        break;
    case NGHTTP2_WINDOW_UPDATE:
        line += " increment=" + std::to_string(frame->window_update.window_size_increment);
        break;
    case NGHTTP2_RST_STREAM:
        line += std::string(" error=") + nghttp2_http2_strerror(frame->rst_stream.error_code);
        break;
    case NGHTTP2_GOAWAY:
        line += " last_stream=" + std::to_string(frame->goaway.last_stream_id) +
                " error=" + nghttp2_http2_strerror(frame->goaway.error_code);
        break;
    default: break;
    }
    return line;
}

}  // namespace layer7::http::h2
