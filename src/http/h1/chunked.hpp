// Chunked transfer coding (RFC 9112 §7.1): the chunk-size line decoder and the encoder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/h1/head_syntax.hpp"

namespace layer7::http::h1 {

// chunk-size [ chunk-ext ] without its CRLF; extensions are validated (§7.1.1) and ignored.
MaybeError parse_chunk_line(std::string_view line, std::uint64_t& size);

// "<hex size>\r\n" — write the data and then chunk_end yourself (scatter/gather, sendfile).
void append_chunk_header(std::string& out, std::uint64_t size);
inline constexpr std::string_view chunk_end = "\r\n";
// One whole chunk; empty data writes nothing, since a zero-size chunk would end the body.
void append_chunk(std::string& out, std::string_view data);
// last-chunk, optional trailer section, final CRLF (§7.1.2). Trailers are not validated.
void append_last_chunk(std::string& out, const Fields* trailers = nullptr);

}  // namespace layer7::http::h1
