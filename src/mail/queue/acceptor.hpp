// The seam between receiving and delivering mail (DESIGN.md §1: receivers only enqueue). A receiver
// (the SMTP server) begins a message with its envelope, appends the content as it arrives and
// commits; what happens to it then — straight into local Maildirs or into the spool for relaying —
// is the acceptor's business. Every call may block on the disk: run it on a blocking pool.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "core/result.hpp"
#include "mail/queue/envelope.hpp"

namespace layer7::mail {

// One message on its way in. Destroyed before commit() (an aborted transaction, a client gone
// mid-DATA, a message over the size limit), it leaves no file behind and nothing is delivered.
class MessageSink {
public:
    virtual ~MessageSink() = default;
    // More content: CRLF lines, dot-unstuffed, the Received: field first.
    virtual std::error_code append(std::string_view bytes) = 0;
    // Makes the message durable (fsync + rename) and returns the id for "250 Ok: queued as ID".
    // Only after it returns may the receiver acknowledge the message.
    virtual core::Result<std::string, std::error_code> commit() = 0;
};

class Acceptor {
public:
    virtual ~Acceptor() = default;
    // Starts a message for `envelope` (its recipients already accepted by the receiver's policy).
    virtual core::Result<std::unique_ptr<MessageSink>, std::error_code> begin(const Envelope& envelope) = 0;
};

}  // namespace layer7::mail
