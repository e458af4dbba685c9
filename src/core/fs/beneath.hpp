// Root: a served directory that no path can escape. Every open goes through openat2(2) with
// RESOLVE_BENEATH, so "..", absolute paths and symlinks leading out are refused by the kernel
// itself, with no race between a check and the open (HTTP, FTP, PUT, STOR).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <string>
#include <string_view>
#include <system_error>

namespace layer7::core {

class Root {
public:
    // Opens `dir`; throws std::system_error if it is not a readable directory.
    explicit Root(const std::string& dir);
    ~Root();
    Root(const Root&) = delete;
    Root& operator=(const Root&) = delete;

    // Opens `relative` (no leading '/'; "" or "." is the root itself) beneath the root.
    // Returns the descriptor, or -errno (EXDEV/ELOOP for an escape, ENOENT, EACCES…).
    int open(std::string_view relative, int flags, mode_t mode = 0) const;
    // fstatat beneath the root (follows symlinks that stay inside).
    std::error_code stat(std::string_view relative, struct stat& st) const;
    // Atomic replace: write `relative`'s content through a temp file beside it, fsync, rename.
    // `write_body(fd)` fills the temp file and returns false on failure.
    template <class F>
    std::error_code replace(std::string_view relative, F&& write_body) const;
    // unlink / rmdir / mkdir / rename beneath the root (the parent is opened with RESOLVE_BENEATH).
    std::error_code remove(std::string_view relative, bool directory) const;
    std::error_code make_directory(std::string_view relative, mode_t mode = 0755) const;
    std::error_code rename(std::string_view from, std::string_view to) const;
    const std::string& path() const { return path_; }

    // Splits "a/b/c" into the descriptor of "a/b" (beneath the root) and "c".
    std::pair<int, std::string> open_parent(std::string_view relative) const;
    // The temp-file half of replace(): creates a hidden temp file in `relative`'s directory.
    struct Temp {
        int dir_fd = -1;
        int fd = -1;
        std::string temp_name, final_name;
    };
    std::pair<std::error_code, Temp> create_temp(std::string_view relative) const;
    // fsyncs the temp file, renames it over the final name, fsyncs the directory; closes both.
    std::error_code commit(Temp& temp) const;
    // Drops a temp file that will not be committed.
    void abandon(Temp& temp) const;

private:
    std::string path_;
    int fd_ = -1;
};

template <class F>
std::error_code Root::replace(std::string_view relative, F&& write_body) const
{
    auto [ec, temp] = create_temp(relative);
    if (ec)
        return ec;
    if (!write_body(temp.fd)) {
        abandon(temp);
        return std::make_error_code(std::errc::io_error);
    }
    return commit(temp);
}

}  // namespace layer7::core
