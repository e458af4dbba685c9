// The exclusive-access lock of a maildrop (RFC 1939 §8): one POP3 session per mailbox, across
// worker threads and processes. flock(2) on DIR/.layer7-pop3.lock; released when the lock object
// goes away, so a dropped connection never leaves a mailbox locked.
#pragma once

#include <string>
#include <system_error>

#include "core/result.hpp"

namespace layer7::mail {

class MailboxLock {
public:
    // Takes the lock without waiting; errc::resource_unavailable_try_again when another session
    // holds it (POP3 answers "-ERR [IN-USE]"), another error when the file cannot be opened.
    static core::Result<MailboxLock, std::error_code> try_acquire(const std::string& maildir_path);

    MailboxLock(MailboxLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    MailboxLock& operator=(MailboxLock&& other) noexcept;
    ~MailboxLock();

private:
    explicit MailboxLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace layer7::mail
