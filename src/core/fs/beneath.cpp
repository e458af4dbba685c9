// Root: see beneath.hpp.
#include "core/fs/beneath.hpp"

#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace layer7::core {

namespace {

std::string clean(std::string_view relative)
{
    while (!relative.empty() && relative.front() == '/')
        relative.remove_prefix(1);
    return relative.empty() ? std::string(".") : std::string(relative);
}

int openat2_beneath(int dir_fd, const std::string& path, int flags, mode_t mode)
{
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (;;) {
        long fd = ::syscall(SYS_openat2, dir_fd, path.c_str(), &how, sizeof how);
        if (fd >= 0)
            return static_cast<int>(fd);
        if (errno == EAGAIN || errno == EINTR)
            continue;  // a concurrent rename raced the lookup; try again
        return -errno;
    }
}

std::error_code from_errno(int e)
{
    return {e, std::generic_category()};
}

}  // namespace

Root::Root(const std::string& dir) : path_(dir)
{
    fd_ = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), dir);
}

Root::~Root()
{
    if (fd_ >= 0)
        ::close(fd_);
}

int Root::open(std::string_view relative, int flags, mode_t mode) const
{
    return openat2_beneath(fd_, clean(relative), flags, mode);
}

std::error_code Root::stat(std::string_view relative, struct stat& st) const
{
    int fd = open(relative, O_PATH);
    if (fd < 0)
        return from_errno(-fd);
    int rc = ::fstat(fd, &st);
    int e = errno;
    ::close(fd);
    return rc == 0 ? std::error_code{} : from_errno(e);
}

std::pair<int, std::string> Root::open_parent(std::string_view relative) const
{
    std::string path = clean(relative);
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (name == "." || name == "..")
        return {-EINVAL, name};
    // O_RDONLY, not O_PATH: commit() fsyncs this descriptor, and fsync on O_PATH fails with EBADF.
    return {openat2_beneath(fd_, dir, O_RDONLY | O_DIRECTORY, 0), name};
}

std::pair<std::error_code, Root::Temp> Root::create_temp(std::string_view relative) const
{
    static std::atomic<unsigned> counter{0};
    Temp t;
    auto [dir_fd, name] = open_parent(relative);
    if (dir_fd < 0)
        return {from_errno(-dir_fd), t};
    t.dir_fd = dir_fd;
    t.final_name = name;
    t.temp_name = ".layer7-tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++) + "." + name;
    t.fd = ::openat(dir_fd, t.temp_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (t.fd < 0) {
        int e = errno;
        ::close(dir_fd);
        t.dir_fd = -1;
        return {from_errno(e), t};
    }
    return {{}, t};
}

std::error_code Root::commit(Temp& t) const
{
    std::error_code ec;
    if (::fsync(t.fd) != 0)
        ec = from_errno(errno);
    ::close(t.fd);
    t.fd = -1;
    if (!ec && ::renameat(t.dir_fd, t.temp_name.c_str(), t.dir_fd, t.final_name.c_str()) != 0)
        ec = from_errno(errno);
    if (ec)
        ::unlinkat(t.dir_fd, t.temp_name.c_str(), 0);
    else if (::fsync(t.dir_fd) != 0)  // the rename itself must survive a crash
        ec = from_errno(errno);
    ::close(t.dir_fd);
    t.dir_fd = -1;
    return ec;
}

void Root::abandon(Temp& t) const
{
    if (t.fd >= 0)
        ::close(t.fd);
    if (t.dir_fd >= 0) {
        ::unlinkat(t.dir_fd, t.temp_name.c_str(), 0);
        ::close(t.dir_fd);
    }
    t.fd = t.dir_fd = -1;
}

std::error_code Root::remove(std::string_view relative, bool directory) const
{
    auto [dir_fd, name] = open_parent(relative);
    if (dir_fd < 0)
        return from_errno(-dir_fd);
    int rc = ::unlinkat(dir_fd, name.c_str(), directory ? AT_REMOVEDIR : 0);
    int e = errno;
    ::close(dir_fd);
    return rc == 0 ? std::error_code{} : from_errno(e);
}

std::error_code Root::make_directory(std::string_view relative, mode_t mode) const
{
    auto [dir_fd, name] = open_parent(relative);
    if (dir_fd < 0)
        return from_errno(-dir_fd);
    int rc = ::mkdirat(dir_fd, name.c_str(), mode);
    int e = errno;
    ::close(dir_fd);
    return rc == 0 ? std::error_code{} : from_errno(e);
}

std::error_code Root::rename(std::string_view from, std::string_view to) const
{
    auto [from_fd, from_name] = open_parent(from);
    if (from_fd < 0)
        return from_errno(-from_fd);
    auto [to_fd, to_name] = open_parent(to);
    if (to_fd < 0) {
        ::close(from_fd);
        return from_errno(-to_fd);
    }
    int rc = ::renameat(from_fd, from_name.c_str(), to_fd, to_name.c_str());
    int e = errno;
    ::close(from_fd);
    ::close(to_fd);
    return rc == 0 ? std::error_code{} : from_errno(e);
}

}  // namespace layer7::core
