// Frames as --trace prints them: "HEADERS stream=1 length=42 flags=END_STREAM|END_HEADERS", the
// settings, window increments and error codes spelled out. Shared by the server session (our own
// framing) and the client session (nghttp2's), so both print the same lines.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace layer7::http::h2 {

// A frame type's RFC 9113 name ("HEADERS", "DATA", ...).
std::string_view frame_type_name(std::uint8_t type);
// One line for a frame: `payload` is its payload as on the wire (only SETTINGS, WINDOW_UPDATE,
// RST_STREAM and GOAWAY are read; it may be empty for the others).
std::string frame_line(std::uint8_t type, std::uint8_t flags, std::int32_t stream, std::size_t length,
                       std::span<const std::uint8_t> payload);
// The same for an nghttp2_frame (passed as void* so nghttp2's header stays in the .cpp files).
std::string frame_line(const void* frame);

}  // namespace layer7::http::h2
