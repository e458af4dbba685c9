// Folder changes through inotify: see folder_watch.hpp.
#include "mail/imap/folder_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cstring>

namespace layer7::mail::imap {

namespace {
// Delivery renames tmp/ → new/; flags rename within cur/; expunge unlinks.
constexpr std::uint32_t message_events = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE;
}  // namespace

FolderWatch::FolderWatch(asio::any_io_executor executor, const std::string& maildir_path)
    : FolderWatch(std::move(executor), maildir_path.empty() ? std::vector<std::string>{} : std::vector{maildir_path},
                  {})
{
}

FolderWatch::FolderWatch(asio::any_io_executor executor, const std::vector<std::string>& maildir_paths,
                         const std::string& hierarchy_root)
    : descriptor_(executor)
{
    if (maildir_paths.empty() && hierarchy_root.empty())
        return;
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return;
    bool any = false;
    for (const std::string& path : maildir_paths)
        for (const char* sub : {"/new", "/cur"})
            any = ::inotify_add_watch(fd, (path + sub).c_str(), message_events) >= 0 || any;
    if (!hierarchy_root.empty()) {
        root_watch_ = ::inotify_add_watch(fd, hierarchy_root.c_str(), message_events | IN_ONLYDIR);
        any = root_watch_ >= 0 || any;
    }
    if (!any) {
        ::close(fd);
        return;
    }
    descriptor_.assign(fd);
}

core::awaitable<bool> FolderWatch::changed()
{
    for (;;) {
        if (!descriptor_.is_open())
            co_return false;
        auto [ec] = co_await descriptor_.async_wait(asio::posix::stream_descriptor::wait_read, core::use_tuple);
        if (ec)
            co_return false;
        if (drain())
            co_return true;
    }
}

bool FolderWatch::drain()
{
    alignas(inotify_event) char events[4096];
    bool relevant = false;
    for (;;) {  // one wake-up per burst of changes
        const ssize_t n = ::read(descriptor_.native_handle(), events, sizeof events);
        if (n <= 0)
            return relevant;
        if (root_watch_ < 0) {
            relevant = true;
            continue;
        }
        for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
            inotify_event event;
            std::memcpy(&event, events + at, sizeof event);
            relevant = relevant || event.wd != root_watch_ || (event.mask & IN_ISDIR) != 0 ||
                       (event.mask & IN_Q_OVERFLOW) != 0;
            at += static_cast<ssize_t>(sizeof(inotify_event) + event.len);
        }
    }
}

void FolderWatch::cancel()
{
    std::error_code ignored;
    descriptor_.cancel(ignored);
}

}  // namespace layer7::mail::imap
