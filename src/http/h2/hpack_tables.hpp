// RFC 7541's two fixed tables, as data: the static table (Appendix A) and the Huffman code
// (Appendix B), with the encoder's use of them: finding a field in the static table and
// Huffman-coding a string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace layer7::http::h2::hpack {

struct StaticEntry {
    std::string_view name;
    std::string_view value;
};

inline constexpr std::size_t static_table_size = 61;

// Entry i (1-based, as on the wire) of the static table.
const StaticEntry& static_entry(std::size_t index);

struct StaticMatch {
    std::size_t name = 0;  // the first index with this name; 0: none
    std::size_t full = 0;  // the index with this name and value; 0: none
};
StaticMatch find_static(std::string_view name, std::string_view value);

// Bytes of `text` Huffman-coded, and the code appended to `out` (padded with the EOS prefix).
std::size_t huffman_length(std::string_view text);
void append_huffman(std::string_view text, std::string& out);

}  // namespace layer7::http::h2::hpack
