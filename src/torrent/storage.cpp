// A torrent's data on disk: see storage.hpp.
#include "torrent/storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace layer7::torrent {

Storage::Storage(const Metainfo& meta, std::string dir) : meta_(meta), dir_(std::move(dir))
{
    std::uint64_t offset = 0;
    for (const auto& f : meta.files) {
        File file;
        if (meta.multi_file)
            file.components.push_back(meta.name);
        file.components.insert(file.components.end(), f.path.begin(), f.path.end());
        file.offset = offset;
        file.length = f.length;
        offset += f.length;
        files_.push_back(std::move(file));
    }
}

Storage::~Storage()
{
    for (auto& f : files_)
        if (f.fd >= 0)
            ::close(f.fd);
    if (dir_fd_ >= 0)
        ::close(dir_fd_);
}

bool Storage::open(bool writable, std::string& error)
{
    writable_ = writable;
    if (writable)
        ::mkdir(dir_.c_str(), 0755);  // an existing one is fine; open() below tells the rest
    dir_fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd_ < 0) {
        error = dir_ + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

int Storage::descriptor(File& file, std::string& error)
{
    if (file.fd >= 0)
        return file.fd;
    int at = dir_fd_;
    for (std::size_t i = 0; i + 1 < file.components.size(); ++i) {
        const char* name = file.components[i].c_str();
        if (writable_)
            ::mkdirat(at, name, 0755);
        const int next = ::openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (at != dir_fd_)
            ::close(at);
        if (next < 0) {
            error = file.components[i] + ": " + std::strerror(errno);
            return -1;
        }
        at = next;
    }
    const int flags = (writable_ ? O_RDWR | O_CREAT : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC;
    file.fd = ::openat(at, file.components.back().c_str(), flags, 0644);
    if (file.fd < 0)
        error = file.components.back() + ": " + std::strerror(errno);
    if (at != dir_fd_)
        ::close(at);
    return file.fd;
}

template <class Each>
bool Storage::for_range(std::uint64_t start, std::uint64_t length, Each each)
{
    const std::uint64_t end = start + length;
    std::uint64_t done = 0;
    for (auto& f : files_) {
        if (f.offset + f.length <= start || f.offset >= end)
            continue;
        const std::uint64_t from = std::max(start, f.offset);
        const std::uint64_t to = std::min(end, f.offset + f.length);
        if (!each(f, from - f.offset, from - start, to - from))
            return false;
        done += to - from;
    }
    return done == length;
}

bool Storage::write(std::uint32_t piece, std::uint32_t offset, std::string_view data, std::string& error)
{
    const std::uint64_t start = std::uint64_t{piece} * meta_.piece_length + offset;
    return for_range(start, data.size(), [&](File& f, std::uint64_t at, std::uint64_t from, std::uint64_t n) {
        if (descriptor(f, error) < 0)
            return false;
        std::string_view part = data.substr(from, n);
        while (!part.empty()) {
            const ssize_t w = ::pwrite(f.fd, part.data(), part.size(), static_cast<off_t>(at));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                error = f.components.back() + ": " + std::strerror(errno);
                return false;
            }
            part.remove_prefix(static_cast<std::size_t>(w));
            at += static_cast<std::uint64_t>(w);
        }
        return true;
    });
}

bool Storage::read(std::uint32_t piece, std::uint32_t offset, std::uint32_t length, std::string& out)
{
    out.assign(length, '\0');
    const std::uint64_t start = std::uint64_t{piece} * meta_.piece_length + offset;
    std::string error;
    return for_range(start, length, [&](File& f, std::uint64_t at, std::uint64_t from, std::uint64_t n) {
        const int fd = descriptor(f, error);
        if (fd < 0)
            return false;
        std::uint64_t got = 0;
        while (got < n) {
            const ssize_t r = ::pread(fd, out.data() + from + got, n - got, static_cast<off_t>(at + got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return false;  // short: the file is not all there yet
            got += static_cast<std::uint64_t>(r);
        }
        return true;
    });
}

bool Storage::verify(std::uint32_t piece)
{
    const std::uint64_t start = std::uint64_t{piece} * meta_.piece_length;
    const auto length = static_cast<std::uint32_t>(std::min(meta_.piece_length, meta_.total_length() - start));
    std::string data;
    if (!read(piece, 0, length, data))
        return false;
    const auto digest = sha1(data);
    return std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()) ==
           std::string_view(meta_.pieces).substr(std::size_t{piece} * piece_hash_size, piece_hash_size);
}

}  // namespace layer7::torrent
