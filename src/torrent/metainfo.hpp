// Metainfo (.torrent files, BEP 3 v1, with announce-list from BEP 12): single- and multi-file
// torrents read strictly and written canonically. The info dictionary is kept as the exact bytes
// it had in the file, since the info-hash is their SHA-1 (pure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "torrent/bencode.hpp"

namespace layer7::torrent {

inline constexpr std::uint64_t default_piece_length = 256 * 1024;  // the textbook's chunk size
inline constexpr std::size_t piece_hash_size = 20;                 // SHA-1

struct FileEntry {
    std::vector<std::string> path;  // components under the torrent's name (multi-file), else {name}
    std::uint64_t length = 0;
};

struct Metainfo {
    std::string name;
    std::uint64_t piece_length = default_piece_length;
    std::string pieces;            // the SHA-1 of each piece, 20 bytes each, concatenated
    std::vector<FileEntry> files;  // one entry for a single-file torrent
    bool multi_file = false;
    bool is_private = false;                              // BEP 27
    std::string announce;                                 // the primary tracker
    std::vector<std::vector<std::string>> announce_list;  // BEP 12 tiers; may be empty
    std::string comment, created_by;
    std::optional<std::int64_t> creation_date;
    std::string info_bytes;  // the info dictionary exactly as in the file (after parse)

    std::uint64_t total_length() const;
    std::size_t piece_count() const { return pieces.size() / piece_hash_size; }
    // Every tracker URL once: announce first, then the tiers in order.
    std::vector<std::string> trackers() const;
};

enum class MetainfoError {
    too_large,  // the file is over MetainfoLimits::max_file
    bencode,    // see the BencodeError alongside
    not_a_dictionary,
    no_info,
    bad_name,  // missing, empty, or not a safe path component
    bad_piece_length,
    bad_pieces,   // not a multiple of 20 bytes, or not one hash per piece
    bad_length,   // missing or negative length, or both/neither of length and files
    bad_files,    // files not a list of {length, path} dictionaries, or too many
    unsafe_path,  // empty component, "." or "..", '/', or NUL: would escape the download dir
    bad_announce,
};

struct MetainfoFailure {
    MetainfoError error;
    BencodeError bencode = BencodeError::truncated;  // meaningful when error == bencode
};
std::string to_string(const MetainfoFailure& failure);

struct MetainfoLimits {
    std::size_t max_file = 16u << 20;  // a .torrent over 16 MiB is not one
    std::size_t max_files = 100000;    // entries in a multi-file torrent
    std::size_t max_path_components = 64;
    std::uint64_t max_piece_length = 64u << 20;               // libtorrent's own ceiling is 128 MiB; 64 MiB is plenty
    std::uint64_t max_total_length = std::uint64_t{1} << 50;  // 1 PiB: keeps the sums far from overflow
};

// Reads a .torrent file. Paths that could leave the download directory are refused, not cleaned.
core::Result<Metainfo, MetainfoFailure> parse_metainfo(std::string_view file, const MetainfoLimits& limits = {});

// Whether `component` may be one file-name component on disk (not empty, ".", "..", no '/', no NUL).
bool safe_path_component(std::string_view component);

// The info dictionary built from the fields (name, piece length, pieces, length or files, private).
Value info_dictionary(const Metainfo& meta);
// The whole .torrent: the info dictionary from the fields, announce, announce-list, comment, …
std::string encode_metainfo(const Metainfo& meta);
// A whole .torrent around an info dictionary fetched from peers (BEP 9), its bytes unchanged (the
// info-hash is theirs): announce is the first tracker, announce-list has each in a tier of its own.
std::string torrent_from_info(std::string_view info_bytes, const std::vector<std::string>& trackers);

}  // namespace layer7::torrent
