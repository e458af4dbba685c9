// A message as `layer7 mail fetch --list / --read` prints it on a terminal (pure), the same for
// POP3 and IMAP: one summary line per message, and the reading view — the main header fields, the
// text (text/plain, else the HTML part reduced to text) and the list of attachments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace layer7::mail {

// "  12  SF     2 KB  Alice <alice@crepes.fr>  Subject…" from the message's header bytes.
// `id` is the POP3 number or the IMAP UID; `flags` is free text ("" when unknown).
std::string summary_line(std::string_view id, std::string_view flags, std::uint64_t size, std::string_view header);

// The reading view, ending with a newline. Control characters from the message are not passed
// to the terminal (no escape sequences from strangers).
std::string display_message(std::string_view message);

}  // namespace layer7::mail
