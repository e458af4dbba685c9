// Queue file formats (pure): the immutable message file (envelope + content) and the small mutable
// state file beside it (attempts, next attempt, per-recipient outcome). Text headers, then bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "mail/queue/envelope.hpp"

namespace layer7::mail {

// One message as the queue holds it.
struct QueuedMessage {
    std::string id;
    std::int64_t arrival = 0;  // seconds since the epoch
    Envelope envelope;
    std::string content;  // Received: field + message, CRLF lines
};

enum class RecipientStatus { pending, sent, failed };

struct RecipientState {
    RecipientStatus status = RecipientStatus::pending;
    std::string detail;  // the last reply (e.g. "550 5.1.1 User unknown") or our own diagnosis
    std::string remote;  // the MTA that answered ("mx.example.org[192.0.2.1]"), "" when none
};

struct QueueState {
    std::uint32_t attempts = 0;
    std::int64_t next_attempt = 0;           // seconds since the epoch; 0: now
    std::vector<RecipientState> recipients;  // parallel to envelope.rcpt_to
};

enum class QueueFileError {
    bad_magic,   // not a layer7 queue/state file (or another version)
    bad_field,   // a header line that is not "name: value", or an unknown name
    bad_number,  // a numeric field that does not parse
    truncated,   // the content is shorter than its declared size
    bad_value,   // a value holding CR or LF (cannot be written) or out of range
};

// Envelope fields one per line, a blank line, then exactly `size` content bytes.
core::Result<std::string, QueueFileError> encode_message(const QueuedMessage& message);
// All of it but the content, for a message whose content is streamed in after it (`content` is
// ignored). The size is written with a fixed number of digits, last, so a writer that learns it
// only at the end overwrites them in place: they start message_size_digits + 2 bytes before the end.
core::Result<std::string, QueueFileError> encode_message_head(const QueuedMessage& message, std::size_t size);
constexpr std::size_t message_size_digits = 20;  // any std::size_t
std::string encode_message_size(std::size_t size);
core::Result<QueuedMessage, QueueFileError> decode_message(std::string_view bytes);

// "layer7-state 1", attempts, next, then one "rcpt: N status detail" line per recipient.
core::Result<std::string, QueueFileError> encode_state(const QueueState& state);
core::Result<QueueState, QueueFileError> decode_state(std::string_view bytes, std::size_t recipients);

// A fresh state: every recipient pending, due now.
QueueState initial_state(std::size_t recipients);
// True when no recipient is pending.
bool finished(const QueueState& state);

// Queue ids are safe file names: [0-9A-Z]+.
bool valid_queue_id(std::string_view id);

}  // namespace layer7::mail
