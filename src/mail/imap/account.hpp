// What an IMAP session may do with a logged-in user's mail: the narrow interface between the pure
// Session and the store. The server implements it on mail::Mailboxes (store_account.hpp); unit
// tests and the fuzz target use an in-memory one, so the session runs without files or sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <system_error>
#include <vector>

#include "core/result.hpp"

namespace layer7::mail::imap {

struct MessageRef {
    std::uint32_t uid = 0;
    std::string flags;         // Maildir flag letters, sorted: "FRS"
    std::uint64_t size = 0;    // octets with CRLF line ends (RFC822.SIZE)
    std::string key;           // the store's name for it (the Maildir unique part)
    std::uint64_t modseq = 1;  // RFC 7162 mod-sequence: raised whenever its flags change
};

struct FolderSnapshot {
    std::uint32_t validity = 0;
    std::uint32_t next = 1;
    std::vector<MessageRef> messages;  // ascending uid
    std::uint64_t highest_modseq = 1;  // RFC 7162 HIGHESTMODSEQ: >= every message's, never lower
};

// UIDs first..last, both included.
using UidRange = std::pair<std::uint32_t, std::uint32_t>;

// For update_flags(): a message's new flags given it as it is now, or nullopt to leave it.
using FlagDecision = std::function<std::optional<std::string>(const MessageRef&)>;

class Account {
public:
    virtual ~Account() = default;
    virtual std::vector<std::string> folders() = 0;  // INBOX first
    virtual std::vector<std::string> subscriptions() = 0;
    // errc::invalid_argument (name), file_exists, no_such_file_or_directory, operation_not_permitted,
    // directory_not_empty, or an OS error.
    virtual std::error_code create(std::string_view name) = 0;
    virtual std::error_code remove(std::string_view name) = 0;
    virtual std::error_code rename(std::string_view from, std::string_view to) = 0;
    virtual std::error_code subscribe(std::string_view name, bool on) = 0;
    // The folder now (messages others added or removed included); errc::no_such_file_or_directory.
    virtual core::Result<FolderSnapshot, std::error_code> snapshot(std::string_view folder) = 0;
    // The message with CRLF line ends; nullopt when it is gone.
    virtual std::optional<std::string> read(std::string_view folder, const MessageRef& message) = 0;
    // Appends the message as a FETCH of BODY[] sends it, an IMAP literal "{n}\r\n" + its CRLF bytes,
    // to `out`; false, with `out` unchanged, when it is gone. This default goes through read(); the
    // store's converts straight into `out`, since a FETCH of a whole folder is megabytes of copies.
    virtual bool append_literal(std::string_view folder, const MessageRef& message, std::string& out)
    {
        auto bytes = read(folder, message);
        if (!bytes)
            return false;
        out.append("{").append(std::to_string(bytes->size())).append("}\r\n").append(*bytes);
        return true;
    }
    virtual std::int64_t internal_date(std::string_view folder, const MessageRef& message) = 0;  // seconds
    // Sets exactly `flags` (Maildir letters); updates message.flags. Its new mod-sequence shows in
    // the next snapshot.
    virtual std::error_code set_flags(std::string_view folder, MessageRef& message, std::string_view flags) = 0;
    // Sets the flags `decide` picks for each message of the folder as it is now, in one step no
    // other session's flag change can come between (RFC 7162 §3.1.3 UNCHANGEDSINCE); returns the
    // folder afterwards, new mod-sequences included. This default, for accounts without such a
    // lock, is snapshot + set_flags + snapshot.
    virtual core::Result<FolderSnapshot, std::error_code> update_flags(std::string_view folder,
                                                                       const FlagDecision& decide)
    {
        auto now = snapshot(folder);
        if (!now)
            return now;
        for (auto& m : now->messages)
            if (auto flags = decide(m); flags && *flags != m.flags)
                if (auto ec = set_flags(folder, m, *flags); ec && ec != std::errc::no_such_file_or_directory)
                    return core::fail(ec);
        return snapshot(folder);
    }
    virtual std::error_code expunge(std::string_view folder, const MessageRef& message) = 0;
    // expunge() for each of `messages` in one step, so a store can make all the removals durable
    // at once (one directory fsync for an EXPUNGE of many messages, not one each). One result per
    // message, in order; this default calls expunge() for each.
    virtual std::vector<std::error_code> expunge_all(std::string_view folder,
                                                     const std::vector<const MessageRef*>& messages)
    {
        std::vector<std::error_code> out;
        for (const MessageRef* m : messages)
            out.push_back(expunge(folder, *m));
        return out;
    }
    // UIDs expunged from `folder` after mod-sequence `since`, as ascending ranges, for QRESYNC's
    // VANISHED (EARLIER) (RFC 7162 §3.2.5.1, §3.2.6). May name more (UIDs long gone), never fewer:
    // this default, for accounts that keep no such record, names every UID below UIDNEXT not there.
    virtual core::Result<std::vector<UidRange>, std::error_code> vanished(std::string_view folder, std::uint64_t since)
    {
        auto now = snapshot(folder);
        if (!now)
            return core::fail(now.error());
        std::vector<UidRange> out;
        if (since >= now->highest_modseq)
            return out;
        std::uint32_t uid = 1;
        for (const auto& m : now->messages) {
            if (m.uid > uid)
                out.emplace_back(uid, m.uid - 1);
            uid = m.uid + 1;
        }
        if (uid < now->next)
            out.emplace_back(uid, now->next - 1);
        return out;
    }
    // Stores a message (CRLF or LF) with flags and an INTERNALDATE (0: now); returns its UID.
    virtual core::Result<std::uint32_t, std::error_code> append(std::string_view folder, std::string_view message,
                                                                std::string_view flags, std::int64_t date) = 0;
};

}  // namespace layer7::mail::imap
