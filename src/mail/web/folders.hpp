// Folders as web mail shows and edits them (pure): names are stored in modified UTF-7 (RFC 3501
// §5.1.3, as IMAP and the Maildir++ directories have them) and shown and typed in UTF-8; INBOX and
// the special-use folders (RFC 6154: Drafts, Sent, Trash, Junk) are neither renamed nor deleted.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace layer7::mail::web {

// The name as a person reads it: decoded, or as stored when it is not valid modified UTF-7.
std::string folder_label(std::string_view name);

// INBOX and the special-use folders every account has: the web offers no rename or delete.
bool fixed_folder(std::string_view name);

// The stored name for a name typed in UTF-8 (spaces at the ends trimmed; '.' makes a sub-folder),
// or what is wrong with it, in words for the page.
core::Result<std::string, std::string> folder_name_from_input(std::string_view typed);

}  // namespace layer7::mail::web
