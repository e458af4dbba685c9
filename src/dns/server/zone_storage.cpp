// A dynamic zone on disk: see zone_storage.hpp.
#include "dns/server/zone_storage.hpp"

#include "core/fs/write_all.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace layer7::dns {
namespace {

std::string failure(const std::string& what, const std::string& path)
{
    return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

JournalWriter::~JournalWriter()
{
    if (fd_ >= 0)
        ::close(fd_);
}

std::optional<std::string> JournalWriter::append(std::string_view block)
{
    if (fd_ < 0) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd_ < 0)
            return failure("cannot open", path_);
    }
    const off_t before = ::lseek(fd_, 0, SEEK_END);
    if (core::write_all(fd_, block) || ::fdatasync(fd_) != 0) {
        std::string error = failure("cannot write", path_);
        if (before >= 0 && ::ftruncate(fd_, before) == 0)
            ::fdatasync(fd_);
        return error;
    }
    return std::nullopt;
}

std::optional<std::string> JournalWriter::replace(std::string_view text)
{
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    return replace_file(path_, text);
}

std::optional<std::string> replace_file(const std::string& path, std::string_view text)
{
    const std::filesystem::path target(path);
    const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
    const std::string temp = dir + "/." + target.filename().string() + ".layer7-new";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return failure("cannot create", temp);
    const bool written = !core::write_all(fd, text) && ::fsync(fd) == 0;
    std::string error = written ? std::string() : failure("cannot write", temp);
    ::close(fd);
    if (written && ::rename(temp.c_str(), path.c_str()) != 0)
        error = failure("cannot rename onto", path);
    if (!error.empty()) {
        ::unlink(temp.c_str());
        return error;
    }
    if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
        ::fsync(d);  // the rename itself
        ::close(d);
    }
    return std::nullopt;
}

std::string zone_file_text(const Zone& zone)
{
    std::string out = "; " + zone.origin().to_text() +
                      " as layer7 last wrote it (dynamic updates and transfers rewrite this file).\n"
                      "; To edit by hand: raise the SOA serial, then send SIGHUP.\n";
    for (const auto& record : zone.records())
        out += to_text(record) + "\n";
    return out;
}

}  // namespace layer7::dns
