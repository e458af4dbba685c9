// MIME tree parser (RFC 2045, RFC 2046 §5.1 multipart, RFC 2183 disposition): a message's
// bytes → header + nested parts with transfer-decoded bodies. Bounded by MessageLimits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "mail/message/header.hpp"
#include "mail/message/limits.hpp"
#include "mail/message/mime_params.hpp"

namespace layer7::mail {

struct MimePart {
    Header header;
    ParamField content_type;        // value "text/plain" when absent or malformed (RFC 2045 §5.2)
    ParamField disposition;         // value "" when absent
    std::string transfer_encoding;  // lower case; "7bit" when absent
    std::string filename;           // UTF-8: disposition filename, else Content-Type name
    std::string body;               // leaf: decoded content; multipart: empty
    std::vector<MimePart> parts;    // multipart children, in order
    // Where the part lies in the bytes given to parse_message() (IMAP BODY[1.2], BODYSTRUCTURE
    // sizes): its header starts at `offset`, its raw (still encoded) body `header_size` later.
    std::size_t offset = 0, header_size = 0, size = 0;

    bool is_multipart() const;
    // An attachment: disposition "attachment", or a leaf with a filename.
    bool is_attachment() const;
};

// Parses a whole message (or a body part). Never throws; errors only for limits.
core::Result<MimePart, ParseError> parse_message(std::string_view bytes, const MessageLimits& limits = {});

// The Subject field decoded to UTF-8 (RFC 2047).
std::string subject(const MimePart& message);
// Leaves in depth-first order (the text body first, then attachments in a typical message).
std::vector<const MimePart*> leaves(const MimePart& root);

}  // namespace layer7::mail
