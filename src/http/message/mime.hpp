// Media types by file extension (for the static file handler) and a compressibility test.
#pragma once

#include <string_view>

namespace layer7::http {

// Case-insensitive extension without the dot ("html"); "application/octet-stream" if unknown.
std::string_view mime_type_for_extension(std::string_view ext);
// Uses the text after the last '.' of the last path segment.
std::string_view mime_type_for_path(std::string_view path);
// Whether gzip is worth it: text/*, JSON, XML, JavaScript, SVG, wasm, … but not images or video.
// Parameters such as "; charset=utf-8" are ignored.
bool is_compressible(std::string_view media_type);

}  // namespace layer7::http
