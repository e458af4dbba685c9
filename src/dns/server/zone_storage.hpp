// A dynamic zone on disk: its journal, appended and fsynced before an update is acknowledged, and
// the zone file, rewritten in the background, replaced atomically (temporary file in the same
// directory, fsync, rename, fsync the directory) so a crash leaves the old file or the new one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dns/zone/zone.hpp"

namespace layer7::dns {

class JournalWriter {
public:
    explicit JournalWriter(std::string path) : path_(std::move(path)) {}
    ~JournalWriter();
    JournalWriter(const JournalWriter&) = delete;
    JournalWriter& operator=(const JournalWriter&) = delete;

    // Appends `block` and fsyncs; an error names the file. A torn write is cut back off, so the
    // journal always ends with a whole block.
    std::optional<std::string> append(std::string_view block);
    // Replaces the journal with `text` (compaction, or a new start); the next append reopens it.
    std::optional<std::string> replace(std::string_view text);
    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
};

// Writes `text` to `path` atomically and durably.
std::optional<std::string> replace_file(const std::string& path, std::string_view text);
// The zone in master-file form, one absolute record a line, SOA first, under a comment that says
// who wrote it and how to edit it.
std::string zone_file_text(const Zone& zone);

}  // namespace layer7::dns
