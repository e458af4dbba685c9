// A folder's messages with their UIDs and mod-sequences: the Maildir listing joined with its UID list
// file (uid_list.hpp), kept in DIR/layer7-uidlist. Every sync runs under an flock on
// DIR/.layer7-uidlist.lock so two sessions (threads or processes) never hand out the same UID; the
// list is written to a temp file, fsync'ed and renamed, so a crash leaves the old or the new list,
// never a torn one. A list that is missing or corrupt is rebuilt with a new UIDVALIDITY (RFC 3501
// §2.3.1.1), and its mod-sequences start again from 1 (RFC 7162 allows it with a new UIDVALIDITY).
//
// Mod-sequences (RFC 7162 CONDSTORE) are found, not told: a sync compares each message's flags with
// those its list line remembers, so a flag change by IMAP, web mail, POP3 or a Maildir tool renaming
// the file gets a new mod-sequence at the next sync; a new message gets one; an expunge raises the
// highest, and its UIDs are kept with that value (for QRESYNC). Everything one sync finds changed
// shares one new value. A value is returned only once the list holding it is on disk, so
// no client ever sees one a crash could take back.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/result.hpp"
#include "mail/store/maildir.hpp"
#include "mail/store/uid_list.hpp"

namespace layer7::mail {

struct IndexedMessage {
    std::uint32_t uid = 0;
    MaildirEntry entry;
    std::uint64_t modseq = 1;  // RFC 7162: when its flags last changed (or it arrived)
};

struct FolderState {
    std::uint32_t validity = 0;
    std::uint32_t next = 1;
    std::uint64_t highest_modseq = 1;      // HIGHESTMODSEQ: >= every message's, never lower than before
    std::vector<IndexedMessage> messages;  // ascending uid
};

// Lists `box`, gives every message not yet in the UID list the next UID (oldest delivery first),
// forgets messages that are gone, and saves the list when it changed.
core::Result<FolderState, std::error_code> sync_folder(const Maildir& box);
// Changes flags under the folder's lock, so that checking a message's mod-sequence and changing it
// are one step for every layer7 session (RFC 7162 §3.1.3 UNCHANGEDSINCE). `decide` sees each message
// as it is now and returns its new Maildir flags, or nullopt to leave it; the messages it changes
// share one new mod-sequence. Returns the folder afterwards.
using FlagDecision = std::function<std::optional<std::string>(const IndexedMessage&)>;
core::Result<FolderState, std::error_code> update_flags(const Maildir& box, const FlagDecision& decide);
// UIDs expunged after mod-sequence `since`, as ascending ranges (RFC 7162 §3.2.5.1 VANISHED
// (EARLIER)), after a sync; a superset (every UID not there) when the list no longer reaches back.
core::Result<std::vector<Vanished>, std::error_code> expunged_since(const Maildir& box, std::uint64_t since);
// Delivers `message` into `box` with Maildir `flags` (moved to cur/ when there are any) and, when
// `internal_date` is nonzero, that modification time (seconds); returns its UID after a sync.
core::Result<std::uint32_t, std::error_code> append_message(const Maildir& box, std::string_view message,
                                                            std::string_view flags, std::int64_t internal_date);
// The file's modification time in seconds (IMAP INTERNALDATE, as Dovecot keeps it); 0 if unknown.
std::int64_t internal_date(const Maildir& box, const MaildirEntry& entry);

}  // namespace layer7::mail
