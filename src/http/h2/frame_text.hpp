// Frames as --trace prints them: "HEADERS stream=1 length=42 flags=END_STREAM|END_HEADERS", the
// settings, window increments and error codes spelled out. Shared by the server and client sessions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace layer7::http::h2 {

// A frame type's RFC 9113 name ("HEADERS", "DATA", ...).
std::string_view frame_type_name(std::uint8_t type);
// One line for an nghttp2_frame (passed as void* so nghttp2's header stays in the .cpp files).
std::string frame_line(const void* frame);

}  // namespace layer7::http::h2
