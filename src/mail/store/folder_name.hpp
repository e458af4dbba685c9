// Mailbox names → Maildir++ folder directories (pure). INBOX is the user's Maildir itself; any other
// mailbox "A.B" lives in the sub-directory ".A.B" ('.' is the hierarchy delimiter, as in Courier and
// Dovecot's Maildir++ layout). Names stay in modified UTF-7 (RFC 3501 §5.1.3) on disk, as Dovecot
// stores them, so the check here is what keeps a name inside the user's directory.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace layer7::mail {

inline constexpr char folder_delimiter = '.';
inline constexpr std::size_t max_folder_name = 200;  // leaves room under NAME_MAX (255) for ".", tmp files

// True for "INBOX" in any case (RFC 3501 §5.1).
bool is_inbox(std::string_view name);
// The directory (relative to the user's Maildir) of mailbox `name`: "" for INBOX, ".A.B" for "A.B";
// nullopt when the name could leave the directory or no client could have meant it: empty
// components ("..", "A..B", ".A", "A."), '/', '\\', control characters, the wildcards '%' and '*',
// bytes outside ASCII, malformed modified UTF-7, or over max_folder_name.
std::optional<std::string> folder_directory(std::string_view name);
// The mailbox name of a Maildir++ directory entry (".A.B" → "A.B"), nullopt for other entries.
std::optional<std::string> folder_of_directory(std::string_view entry);
// The special-use attribute (RFC 6154) of the folders every account gets: "\\Sent" for "Sent"…;
// "" for others.
std::string_view special_use(std::string_view name);
// The folders created at first login besides INBOX.
inline constexpr std::string_view default_folders[] = {"Drafts", "Sent", "Trash", "Junk"};

}  // namespace layer7::mail
