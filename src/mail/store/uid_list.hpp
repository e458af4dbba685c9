// The per-folder UID list (RFC 3501 §2.3.1.1), pure: UIDVALIDITY, UIDNEXT and uid → Maildir unique
// name, one line each, so a message keeps its UID across sessions and processes. Each line also
// keeps the message's mod-sequence and the flags it had when that was given (RFC 7162 CONDSTORE):
// flags that differ at the next sync, whoever renamed the file, get a new mod-sequence; and the UIDs
// of expunged messages with the mod-sequence of their expunge (QRESYNC's VANISHED (EARLIER)), the
// latest max_vanished ranges of them. A line may
// carry the message's sizes: mail other tools delivered has none in its file name, and measuring
// means reading the whole file at every sync (Dovecot keeps them in its uidlist too). Read
// strictly: anything malformed is "corrupt", and the caller rebuilds with a new UIDVALIDITY; so the
// list must be able to hold every name it is given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::mail {

// RFC 7162 §7: mod-sequences are positive 63-bit numbers.
inline constexpr std::uint64_t max_modseq = (std::uint64_t{1} << 63) - 1;

struct UidEntry {
    std::uint32_t uid = 0;
    std::string unique;                     // the Maildir name's unique part (maildir_name.hpp)
    std::uint64_t size = 0, wire_size = 0;  // bytes stored and with CRLF line ends; 0 0: not known
    std::uint64_t modseq = 0;               // 1..highest_modseq; 0 only in a version 1 list (not known yet)
    std::string flags;                      // the Maildir flags `modseq` belongs to (list_flags())
};

// UIDs expunged together (a range may span UIDs expunged before) and the mod-sequence that expunge
// got (RFC 7162 §3.2).
struct Vanished {
    std::uint32_t first = 0, last = 0;  // 1 <= first <= last < next
    std::uint64_t modseq = 0;
};

// Expunge ranges kept: enough for every client that was away for a while; who was away longer is
// told every UID that is not there (vanished_since()), a superset, harmless as a client drops only
// the UIDs it holds. At ~25 bytes a line, the list grows by at most ~25 KB.
inline constexpr std::size_t max_vanished = 1000;

struct UidList {
    std::uint32_t validity = 0;        // nonzero
    std::uint32_t next = 1;            // greater than every uid in `entries`
    std::uint64_t highest_modseq = 0;  // >= every entry's modseq; 0 only in a version 1 list
    std::uint64_t vanished_floor = 0;  // `vanished` holds every expunge with a mod-sequence above it
    std::vector<UidEntry> entries;     // ascending uid
    std::vector<Vanished> vanished;    // ascending modseq, each above vanished_floor
};

// Version 3: "layer7-uidlist 3 VALIDITY NEXT HIGHESTMODSEQ VANISHEDFLOOR\n", then per message
// "UID UNIQUE MODSEQ :FLAGS[ SIZE WIRE_SIZE]\n" (":" alone: no flags), then per expunge range
// "- FIRST LAST MODSEQ\n". UNIQUE is the unique name with '%', space, controls and DEL written as
// "%XX" (upper-case hex), as any byte but '/' and NUL may be in a file name other tools wrote.
std::string encode_uid_list(const UidList& list);
// Reads version 3; version 2 (the same, but UNIQUE as it is: names with a space could not be kept)
// and version 1 ("layer7-uidlist 1 VALIDITY NEXT\n", "UID UNIQUE[ SIZE WIRE_SIZE]\n", every modseq
// 0), so an upgrade keeps the UIDs. nullopt for a wrong header, a zero validity, uids not strictly
// ascending or not below NEXT, a modseq of 0 or above HIGHESTMODSEQ, an empty unique name or one
// holding '/' or NUL, a version 3 name escaped otherwise than encode_uid_list() does, an expunge
// range out of order or bounds, or a last line without its LF (a torn write).
std::optional<UidList> decode_uid_list(std::string_view text);
// UIDs expunged after mod-sequence `since`, as ascending ranges: from `vanished` when it reaches that
// far back, else every UID below NEXT that `entries` lacks.
std::vector<Vanished> vanished_since(const UidList& list, std::uint64_t since);
// Maildir flags as the list keeps them: bytes that could break a line (space, controls) dropped.
std::string list_flags(std::string_view maildir_flags);

}  // namespace layer7::mail
