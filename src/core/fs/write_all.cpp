// write_all: see write_all.hpp.
#include "core/fs/write_all.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace layer7::core {

std::error_code write_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return {errno, std::generic_category()};
        if (n == 0)  // no progress and no error: give up rather than spin
            return std::make_error_code(std::errc::io_error);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

bool is_special_file(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

}  // namespace layer7::core
