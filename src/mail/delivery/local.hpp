// Final delivery into a local Maildir (Postfix local(8)'s part): Return-Path and Delivered-To
// are prepended (RFC 5321 §4.4), then mail::System writes tmp → fsync → new
// and tells whoever waits for that mailbox (IMAP IDLE, web mail).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "mail/delivery/agent.hpp"

namespace layer7::mail {
class System;
}

namespace layer7::mail::delivery {

// The users-file name behind local@domain: the local part as written, else in lower case.
std::optional<std::string> find_mailbox(const MailboxExists& exists, std::string_view domain,
                                        std::string_view local_part);
// The message as stored: "Return-Path: <sender>", "Delivered-To: recipient", then `body`.
std::string with_delivery_fields(std::string_view sender, std::string_view recipient, std::string_view body);
// Durable delivery of one copy; errc::no_such_file_or_directory when the mailbox does not exist.
std::error_code deliver_local(const mail::System& system, const MailboxExists& exists, std::string_view sender,
                              std::string_view recipient, std::string_view body);

}  // namespace layer7::mail::delivery
