// Builds an RFC 5322 message: From/To/Cc/Subject/Date/Message-ID/MIME-Version, a text body and
// attachments as multipart/mixed with base64 parts (RFC 2045/2046). CRLF everywhere, lines ≤ 78.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "mail/message/address.hpp"

namespace layer7::mail {

struct Attachment {
    std::string filename;                                   // UTF-8; RFC 2231-encoded when needed
    std::string content_type = "application/octet-stream";  // "type/subtype"; bad values fall back
    std::string data;                                       // raw bytes
};

struct Draft {
    Mailbox from;
    std::vector<Mailbox> to, cc;  // Bcc is envelope-only: never written
    std::string subject;          // UTF-8
    std::chrono::sys_seconds date{};
    int utc_offset_minutes = 0;
    std::string message_id;  // the unique part; written as <unique@from-domain>
    std::string text;        // UTF-8; line ends normalised to CRLF
    std::vector<Attachment> attachments;
};

enum class BuildError {
    bad_address,     // an address whose domain or local part cannot be written
    bad_message_id,  // empty, or characters a msg-id cannot hold (RFC 5322 §3.6.4)
};

// The whole message, header and body. Multipart/mixed when there are attachments.
core::Result<std::string, BuildError> build_message(const Draft& draft);

}  // namespace layer7::mail
