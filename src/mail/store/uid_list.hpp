// The per-folder UID list (RFC 3501 §2.3.1.1), pure: UIDVALIDITY, UIDNEXT and uid → Maildir unique
// name, one line each, so a message keeps its UID across sessions and processes. A line may also
// carry the message's sizes: mail other tools delivered has none in its file name, and measuring
// means reading the whole file at every sync (Dovecot keeps them in its uidlist too). Read
// strictly: anything malformed is "corrupt", and the caller rebuilds with a new UIDVALIDITY.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::mail {

struct UidEntry {
    std::uint32_t uid = 0;
    std::string unique;  // the Maildir name's unique part (maildir_name.hpp)
    std::uint64_t size = 0, wire_size = 0;  // bytes stored and with CRLF line ends; 0 0: not known
};

struct UidList {
    std::uint32_t validity = 0;  // nonzero
    std::uint32_t next = 1;      // greater than every uid in `entries`
    std::vector<UidEntry> entries;  // ascending uid
};

// "layer7-uidlist 1 VALIDITY NEXT\n" then "UID UNIQUE[ SIZE WIRE_SIZE]\n" per message.
std::string encode_uid_list(const UidList& list);
// nullopt for a wrong header, a zero validity, uids not strictly ascending or not below NEXT,
// an empty or space-holding unique name, or a last line without its LF (a torn write).
std::optional<UidList> decode_uid_list(std::string_view text);

}  // namespace layer7::mail
