// What FETCH shows of a message (RFC 3501 §7.4.2), pure: ENVELOPE, BODYSTRUCTURE and BODY[section]
// from the project's MIME parser (mail/message). Works on the message with CRLF line ends, as IMAP
// counts octets; a message the parser refuses is shown as one text/plain part, never an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/message/mime_parser.hpp"

namespace layer7::mail::imap {

// A string as IMAP sends it: NIL-free quoted form when it can be, else a literal.
std::string imap_string(std::string_view text);
// imap_string, or NIL for an empty text.
std::string nstring(std::string_view text);

// The parsed form of a message, kept while one FETCH renders several items.
class MessageView {
public:
    explicit MessageView(std::string crlf_bytes);
    std::string_view bytes() const { return bytes_; }
    std::string envelope() const;
    std::string body_structure(bool extensible) const;  // BODYSTRUCTURE / BODY

    struct Section {
        std::vector<std::uint32_t> part;  // "1.2" → {1, 2}; empty: the whole message
        enum class Kind { all, header, header_fields, header_fields_not, text, mime } kind = Kind::all;
        std::vector<std::string> fields;  // for header_fields(_not), upper case
    };
    // The octets of `section`; nullopt when the part does not exist (sent as NIL... or "").
    std::optional<std::string> section(const Section& section) const;

private:
    std::string bytes_;
    mail::MimePart root_;
};

// Parses the inside of "BODY[" … "]": "", "HEADER", "1.2.TEXT", "HEADER.FIELDS (A B)" …
std::optional<MessageView::Section> parse_section(std::string_view spec);

}  // namespace layer7::mail::imap
