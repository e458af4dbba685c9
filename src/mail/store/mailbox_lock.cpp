// The maildrop lock: see mailbox_lock.hpp.
#include "mail/store/mailbox_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <utility>

namespace layer7::mail {

core::Result<MailboxLock, std::error_code> MailboxLock::try_acquire(const std::string& maildir_path)
{
    const std::string path = maildir_path + "/.layer7-pop3.lock";
    // Each session opens the file itself: flock locks belong to the open file description, so two
    // sessions in one process exclude each other as two processes do.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return core::fail(std::error_code(errno, std::generic_category()));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno == EWOULDBLOCK ? EAGAIN : errno;
        ::close(fd);
        return core::fail(std::error_code(err, std::generic_category()));
    }
    return MailboxLock(fd);
}

MailboxLock& MailboxLock::operator=(MailboxLock&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

MailboxLock::~MailboxLock()
{
    if (fd_ >= 0)
        ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace layer7::mail
