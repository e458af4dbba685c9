// A torrent's data on disk: pieces map onto the files in order (BEP 3), each file at
// DIR/NAME (single file) or DIR/NAME/PATH… (multi-file). Files are opened component by component
// with O_NOFOLLOW under the directory, so neither a ".." (refused by the metainfo parser) nor a
// symbolic link planted in DIR can make us write elsewhere. Blocks go straight to the files:
// memory does not grow with the torrent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "torrent/metainfo.hpp"
#include "torrent/sha1.hpp"

namespace layer7::torrent {

class Storage {
public:
    Storage(const Metainfo& meta, std::string dir);
    ~Storage();
    Storage(const Storage&) = delete;

    // Opens DIR; `writable` (downloading) creates it and the files as needed. False with `error`.
    bool open(bool writable, std::string& error);
    // Writes `data` at `offset` in piece `piece`, across file boundaries.
    bool write(std::uint32_t piece, std::uint32_t offset, std::string_view data, std::string& error);
    // Reads `length` bytes at `offset` in `piece`; false when the files are short or missing.
    bool read(std::uint32_t piece, std::uint32_t offset, std::uint32_t length, std::string& out);
    // Whether piece `piece` on disk has the SHA-1 the metainfo says.
    bool verify(std::uint32_t piece);

private:
    struct File {
        std::vector<std::string> components;  // under DIR
        std::uint64_t offset = 0;             // in the torrent's byte stream
        std::uint64_t length = 0;
        int fd = -1;
    };
    // The file's descriptor, opening (and when writable, creating) it on first use.
    int descriptor(File& file, std::string& error);
    // Calls `each(file, file_offset, span_offset, span_length)` for the files a byte range covers.
    template <class Each>
    bool for_range(std::uint64_t start, std::uint64_t length, Each each);

    const Metainfo& meta_;
    std::string dir_;
    int dir_fd_ = -1;
    bool writable_ = false;
    std::vector<File> files_;
};

}  // namespace layer7::torrent
