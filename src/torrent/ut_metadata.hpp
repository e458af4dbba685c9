// BEP 9 ut_metadata messages, carried as BEP 10 extended messages: a bencoded dictionary
// {msg_type, piece, total_size} — request 0, data 1, reject 2 — and, after a data message's
// dictionary, the piece's bytes. The metadata is the info dictionary, in pieces of 16 KiB, the
// last one shorter (pure).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace layer7::torrent {

inline constexpr std::size_t metadata_piece_size = 16 * 1024;  // BEP 9
inline constexpr std::string_view ut_metadata_name = "ut_metadata";
inline constexpr std::uint8_t our_ut_metadata_id = 3;  // what peers send ut_metadata messages to us under

enum class MetadataMessageType : std::uint8_t {
    request = 0,
    data = 1,
    reject = 2,
    unknown = 0xff,  // BEP 9: "an unrecognized message ID MUST be ignored"
};

struct MetadataMessage {
    MetadataMessageType type = MetadataMessageType::request;
    std::uint32_t piece = 0;
    std::uint64_t total_size = 0;  // data: the size of the whole metadata
    std::string data;              // data: the piece's bytes

    static MetadataMessage request(std::uint32_t piece) { return {MetadataMessageType::request, piece, 0, {}}; }
    static MetadataMessage reject(std::uint32_t piece) { return {MetadataMessageType::reject, piece, 0, {}}; }
};

enum class MetadataError {
    bad_dictionary,  // the payload does not start with a bencoded dictionary
    bad_msg_type,    // msg_type missing or not an integer
    bad_piece,       // piece missing, negative or over 2^32 - 1
    bad_total_size,  // a data message's total_size missing or negative
};
std::string_view to_string(MetadataError e);

// The number of 16 KiB pieces `size` bytes of metadata make.
inline std::size_t metadata_piece_count(std::uint64_t size)
{
    return static_cast<std::size_t>((size + metadata_piece_size - 1) / metadata_piece_size);
}

// The bytes after a data message's dictionary are its piece; after another message's, ignored.
core::Result<MetadataMessage, MetadataError> decode_metadata_message(std::string_view payload);
std::string encode(const MetadataMessage& m);
// One line for --trace: "ut_metadata request 0", "ut_metadata data 1 (3210 bytes of 19594)".
std::string describe(const MetadataMessage& m);

// What a peer holding the metadata `info` answers to a request for `piece`: the piece, or a
// reject when there is no such piece.
MetadataMessage answer_request(std::string_view info, std::uint32_t piece);

}  // namespace layer7::torrent
