// Folder changes through inotify: see folder_watch.hpp.
#include "mail/imap/folder_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

namespace layer7::imap {

FolderWatch::FolderWatch(asio::any_io_executor executor, const std::string& maildir_path) : descriptor_(executor)
{
    if (maildir_path.empty())
        return;
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return;
    // Delivery renames tmp/ → new/; flags rename within cur/; expunge unlinks.
    const std::uint32_t events = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE;
    bool any = false;
    for (const char* sub : {"/new", "/cur"})
        any = ::inotify_add_watch(fd, (maildir_path + sub).c_str(), events) >= 0 || any;
    if (!any) {
        ::close(fd);
        return;
    }
    descriptor_.assign(fd);
}

core::awaitable<bool> FolderWatch::changed()
{
    if (!descriptor_.is_open())
        co_return false;
    auto [ec] = co_await descriptor_.async_wait(asio::posix::stream_descriptor::wait_read, core::use_tuple);
    if (ec)
        co_return false;
    char events[4096];
    while (::read(descriptor_.native_handle(), events, sizeof events) > 0) {
        // drain: one wake-up per burst of changes
    }
    co_return true;
}

void FolderWatch::cancel()
{
    std::error_code ignored;
    descriptor_.cancel(ignored);
}

}  // namespace layer7::imap
