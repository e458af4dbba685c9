// Server file-system actions: see file_system.hpp.
#include "ftp/file_system.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace layer7::ftp {

namespace {
constexpr std::string_view temp_prefix = ".layer7-tmp.";

FsResult failed(int e)
{
    return {fs_error(e), {}, {}, false, 0};
}

FileInfo info_of(std::string name, const struct stat& st)
{
    FileInfo f;
    f.name = std::move(name);
    f.directory = S_ISDIR(st.st_mode);
    f.size = static_cast<std::uint64_t>(st.st_size);
    f.mtime = st.st_mtime;
    f.mode = st.st_mode & 07777;
    f.links = static_cast<unsigned>(st.st_nlink);
    return f;
}

std::string join(const std::string& dir, const std::string& name)
{
    return dir.empty() ? name : dir + "/" + name;
}

// Copies the first `length` bytes of `from` into `to` in the kernel (reflinks on filesystems that have them).
bool copy_prefix(int from, int to, std::uint64_t length)
{
    loff_t in = 0;
    while (length > 0) {
        const ssize_t n = ::copy_file_range(from, &in, to, nullptr, std::min<std::uint64_t>(length, 1u << 30), 0);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        length -= static_cast<std::uint64_t>(n);
    }
    return true;
}
}  // namespace

FsError fs_error(int e)
{
    switch (e) {
    case 0: return FsError::ok;
    case ENOENT: return FsError::not_found;
    case ENOTDIR: return FsError::not_directory;
    case EISDIR: return FsError::is_directory;
    case EEXIST: return FsError::exists;
    case EACCES:
    case EPERM:
    case EROFS: return FsError::denied;
    case EXDEV:
    case ELOOP: return FsError::escape;
    case ENOTEMPTY: return FsError::not_empty;
    case ENOSPC:
    case EDQUOT: return FsError::no_space;
    default: return FsError::io;
    }
}

FsResult fs_stat(const core::Root& root, const std::string& path)
{
    struct stat st {};
    if (auto ec = root.stat(path, st))
        return failed(ec.value());
    FsResult r;
    r.info = info_of(path.substr(path.rfind('/') + 1), st);
    return r;
}

FsResult fs_change_dir(const core::Root& root, const std::string& path)
{
    // O_DIRECTORY without O_PATH also checks search permission on the way.
    const int fd = root.open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return failed(-fd);
    ::close(fd);
    FsResult r;
    r.info.directory = true;
    return r;
}

FsResult fs_list(const core::Root& root, const std::string& path)
{
    FsResult r;
    r.now = static_cast<std::int64_t>(std::time(nullptr));
    const int fd = root.open(path, O_RDONLY | O_DIRECTORY);
    if (fd == -ENOTDIR) {
        FsResult one = fs_stat(root, path);
        if (one.error != FsError::ok)
            return one;
        r.single_file = true;
        r.entries.push_back(std::move(one.info));
        return r;
    }
    if (fd < 0)
        return failed(-fd);
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        ::close(fd);
        return failed(errno);
    }
    while (const dirent* e = ::readdir(dir)) {
        const std::string name = e->d_name;
        if (name == "." || name == ".." || name.rfind(temp_prefix, 0) == 0)
            continue;
        struct stat st {};
        if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        // A symlink is listed as what it points to, and only when that stays beneath the root.
        if (S_ISLNK(st.st_mode) && root.stat(join(path, name), st))
            continue;
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
            continue;  // sockets, devices, FIFOs are not files to transfer
        r.entries.push_back(info_of(name, st));
    }
    ::closedir(dir);
    std::sort(r.entries.begin(), r.entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return r;
}

FsResult fs_open_read(const core::Root& root, const std::string& path, int& fd)
{
    fd = root.open(path, O_RDONLY);
    if (fd < 0)
        return failed(-fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int e = S_ISDIR(st.st_mode) ? EISDIR : errno ? errno : EACCES;
        ::close(fd);
        fd = -1;
        return failed(e);
    }
    FsResult r;
    r.info = info_of(path.substr(path.rfind('/') + 1), st);
    return r;
}

FsResult fs_open_write(const core::Root& root, const std::string& path, std::uint64_t offset, bool append, bool unique,
                       const std::string& suggested, core::Root::Temp& temp)
{
    std::string target = path;
    if (unique) {
        // STOU: the first of name, name.1, name.2… that does not exist yet.
        struct stat st {};
        for (unsigned i = 0;; ++i) {
            target = join(path, i == 0 ? suggested : suggested + "." + std::to_string(i));
            if (root.stat(target, st) == std::errc::no_such_file_or_directory)
                break;
            if (i == 10000)
                return failed(EEXIST);
        }
    }
    struct stat st {};
    const auto exists = root.stat(target, st);
    if (!exists && S_ISDIR(st.st_mode))
        return failed(EISDIR);
    auto [ec, t] = root.create_temp(target);
    if (ec)
        return failed(ec.value());
    temp = t;
    if ((append || offset > 0) && !exists) {
        const int old = root.open(target, O_RDONLY);
        const std::uint64_t keep = append ? static_cast<std::uint64_t>(st.st_size)
                                          : std::min<std::uint64_t>(offset, static_cast<std::uint64_t>(st.st_size));
        const bool ok = old >= 0 && copy_prefix(old, temp.fd, keep);
        const int e = errno;
        if (old >= 0)
            ::close(old);
        if (!ok || ::lseek(temp.fd, static_cast<off_t>(keep), SEEK_SET) < 0) {
            root.abandon(temp);
            return failed(e ? e : EIO);
        }
    }
    FsResult r;
    r.info.name = target.substr(target.rfind('/') + 1);
    return r;
}

FsResult fs_remove(const core::Root& root, const std::string& path, bool directory)
{
    const auto ec = root.remove(path, directory);
    return ec ? failed(ec.value()) : FsResult{};
}

FsResult fs_make_dir(const core::Root& root, const std::string& path)
{
    const auto ec = root.make_directory(path);
    return ec ? failed(ec.value()) : FsResult{};
}

FsResult fs_rename(const core::Root& root, const std::string& from, const std::string& to)
{
    // The source must exist beneath the root (symlinks included) before it moves.
    struct stat st {};
    if (auto ec = root.stat(from, st))
        return failed(ec.value());
    const auto ec = root.rename(from, to);
    return ec ? failed(ec.value()) : FsResult{};
}

}  // namespace layer7::ftp
