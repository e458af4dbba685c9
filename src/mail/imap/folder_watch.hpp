// Waits for a Maildir folder to change (inotify on new/ and cur/), so IDLE pushes a message the
// moment SMTP delivers it, and sees what POP3, another IMAP session or a Maildir tool did — in this
// process or any other.
#pragma once

#include <string>

#include <asio/posix/stream_descriptor.hpp>

#include "core/net/asio.hpp"

namespace layer7::imap {

class FolderWatch {
public:
    FolderWatch(asio::any_io_executor executor, const std::string& maildir_path);
    // Completes on the next change (true) or when cancelled or the watch could not be set (false).
    core::awaitable<bool> changed();
    void cancel();
    bool watching() const { return descriptor_.is_open(); }

private:
    asio::posix::stream_descriptor descriptor_;
};

}  // namespace layer7::imap
