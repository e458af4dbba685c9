// Waits for a Maildir folder to change (inotify on new/ and cur/), so IDLE pushes a message the
// moment SMTP delivers it, and sees what POP3, another IMAP session or a Maildir tool did — in this
// process or any other. Web mail's push stream watches every folder of a user at once, and the
// user's Maildir++ root for folders created, renamed or deleted.
#pragma once

#include <string>
#include <vector>

#include <asio/posix/stream_descriptor.hpp>

#include "core/net/asio.hpp"

namespace layer7::mail::imap {

class FolderWatch {
public:
    FolderWatch(asio::any_io_executor executor, const std::string& maildir_path);
    // Every folder in `maildir_paths`, and in `hierarchy_root` (when not empty) only directories
    // appearing or going (".Name" folders): its files (UID lists, subscriptions) change too often.
    FolderWatch(asio::any_io_executor executor, const std::vector<std::string>& maildir_paths,
                const std::string& hierarchy_root);
    // Completes on the next change (true) or when cancelled or the watch could not be set (false).
    core::awaitable<bool> changed();
    void cancel();
    bool watching() const { return descriptor_.is_open(); }

private:
    // Reads the pending events; true when one of them is a change worth a wake-up.
    bool drain();

    asio::posix::stream_descriptor descriptor_;
    int root_watch_ = -1;  // the hierarchy root's watch descriptor, whose file events are ignored
};

}  // namespace layer7::mail::imap
