// A folder's messages with their UIDs: the Maildir listing joined with its UID list file
// (uid_list.hpp), kept in DIR/layer7-uidlist. Every sync runs under an flock on DIR/.layer7-uidlist.lock
// so two sessions (threads or processes) never hand out the same UID; the list is written to a temp
// file, fsync'ed and renamed, so a crash leaves the old or the new list, never a torn one. A list
// that is missing or corrupt is rebuilt with a new UIDVALIDITY (RFC 3501 §2.3.1.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/result.hpp"
#include "mail/store/maildir.hpp"

namespace layer7::mail {

struct IndexedMessage {
    std::uint32_t uid = 0;
    MaildirEntry entry;
};

struct FolderState {
    std::uint32_t validity = 0;
    std::uint32_t next = 1;
    std::vector<IndexedMessage> messages;  // ascending uid
};

// Lists `box`, gives every message not yet in the UID list the next UID (oldest delivery first),
// forgets messages that are gone, and saves the list when it changed.
core::Result<FolderState, std::error_code> sync_folder(const Maildir& box);
// Delivers `message` into `box` with Maildir `flags` (moved to cur/ when there are any) and, when
// `internal_date` is nonzero, that modification time (seconds); returns its UID after a sync.
core::Result<std::uint32_t, std::error_code> append_message(const Maildir& box, std::string_view message,
                                                           std::string_view flags, std::int64_t internal_date);
// The file's modification time in seconds (IMAP INTERNALDATE, as Dovecot keeps it); 0 if unknown.
std::int64_t internal_date(const Maildir& box, const MaildirEntry& entry);

}  // namespace layer7::mail
