// One Maildir (tmp/ new/ cur/): durable delivery, listing, reading, flags and deletion, in the
// layout mutt, Dovecot and python's mailbox.Maildir read. Files hold LF line ends (line_endings.hpp);
// names carry ,S= (file size) and ,W= (CRLF size) so listing needs no reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/result.hpp"

namespace layer7::mail {

struct MaildirEntry {
    std::string folder;           // "new" or "cur"
    std::string file;             // the file name inside folder
    std::string unique;           // the name's unique part (stable across moves)
    std::string uid;              // POP3 UIDL (uidl_of(unique))
    std::uint64_t size = 0;       // bytes in the file
    std::uint64_t wire_size = 0;  // bytes with CRLF line ends, as POP3 sends it
    std::string flags;            // ":2," flags, e.g. "S"
};

// Sizes already measured, by unique name: {bytes stored, bytes with CRLF line ends}.
using KnownSizes = std::unordered_map<std::string_view, std::pair<std::uint64_t, std::uint64_t>>;

// Oldest delivery first (delivery_time(), then the unique name), as list() returns them.
void sort_oldest_first(std::vector<MaildirEntry>& entries);

class Maildir {
public:
    explicit Maildir(std::string path) : path_(std::move(path)) {}
    const std::string& path() const { return path_; }

    // mkdir -p path/{tmp,new,cur} (mode 0700), each new directory fsync'ed into its parent.
    std::error_code create() const;
    // Durable delivery: write tmp/<unique>, fsync, rename into new/, fsync new/. Only when this
    // returns success does the message exist; on failure nothing is left behind. `message` may use
    // CRLF or LF; it is stored with LF. Returns the file name in new/.
    core::Result<std::string, std::error_code> deliver(std::string_view message) const;
    // Every message in new/ and cur/, oldest delivery first, each once. A file whose name carries no
    // sizes (another tool delivered it) is read to measure it, unless `known` has its sizes. A file
    // another agent renames meanwhile may be missing (readdir's race; see sync_folder).
    core::Result<std::vector<MaildirEntry>, std::error_code> list(const KnownSizes* known = nullptr) const;
    // The stored bytes (LF line ends); finds the message again if another agent moved it.
    core::Result<std::string, std::error_code> read(const MaildirEntry& entry) const;
    // The same into `content`, whose capacity is reused (a FETCH of many messages reads each into
    // one buffer).
    std::error_code read(const MaildirEntry& entry, std::string& content) const;
    // Moves the message to cur/ with exactly `flags` (e.g. "S" once a client has read it).
    std::error_code set_flags(MaildirEntry& entry, std::string_view flags) const;
    // Unlinks the message and fsyncs its folder; a message already gone is not an error.
    std::error_code remove(const MaildirEntry& entry) const;
    // remove() for each of `entries`, with one fsync per folder after all the unlinks (an IMAP
    // EXPUNGE of many messages); one result per entry, in order.
    std::vector<std::error_code> remove(const std::vector<const MaildirEntry*>& entries) const;
    // Removes what deliveries left in tmp/ when they died before the rename: files this host's
    // processes that are no longer running wrote, and any file untouched for 36 hours (maildir(5)).
    // Returns how many went.
    std::size_t remove_stale_temporaries() const;

private:
    std::string file_path(const MaildirEntry& entry) const { return path_ + "/" + entry.folder + "/" + entry.file; }
    std::error_code relocate(MaildirEntry& entry) const;  // finds `entry.unique` in new/ or cur/

    std::string path_;
};

}  // namespace layer7::mail
