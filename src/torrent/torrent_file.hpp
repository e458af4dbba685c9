// .torrent files on disk: `layer7 torrent make` hashes a file or a directory tree into a v1
// metainfo, reading one buffer at a time (memory does not grow with the data), and
// `layer7 torrent info` reads one back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "torrent/metainfo.hpp"

namespace layer7::torrent {

struct MakeOptions {
    std::vector<std::string> trackers;  // the first is `announce`; all go into announce-list tiers
    std::uint64_t piece_length = default_piece_length;
    std::string comment;
    std::string created_by = "layer7";
    std::int64_t creation_date = 0;  // seconds since the epoch; 0 leaves it out
};

// Whether `n` is a piece length we write: a power of two from 16 KiB (one block) to 64 MiB.
bool valid_piece_length(std::uint64_t n);

// Hashes `path` (a regular file, or a directory: its regular files in sorted path order; symbolic
// links inside it are skipped). The error is a sentence for the user.
core::Result<Metainfo, std::string> make_torrent(const std::string& path, const MakeOptions& options);

// Reads and parses a .torrent file; the error is a sentence for the user.
core::Result<Metainfo, std::string> read_torrent(const std::string& file);

// Writes `contents` to `file` through a temporary and a rename.
bool write_file_atomically(const std::string& file, const std::string& contents, std::string& error);

}  // namespace layer7::torrent
