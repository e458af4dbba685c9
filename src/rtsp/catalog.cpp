// ServerCatalog: see catalog.hpp.
#include "rtsp/catalog.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace layer7::rtsp {

std::optional<SessionDescription> ServerCatalog::describe(std::string_view path)
{
    if (auto live = hub_.find(std::string(path)))
        return live->description();
    if (auto file = open_file(path))
        return file->description();
    return std::nullopt;
}

int ServerCatalog::can_announce(std::string_view path)
{
    return hub_.find(std::string(path)) ? 455 : 200;  // one publisher per path
}

std::unique_ptr<MediaFile> ServerCatalog::open_file(std::string_view path) const
{
    if (!root_ || path.empty())
        return nullptr;
    const int fd = root_->open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nullptr;
    // libavformat opens by name: the descriptor's /proc link is the file we already checked
    std::string error;
    auto file = MediaFile::open("/proc/self/fd/" + std::to_string(fd), error);
    ::close(fd);
    if (!file)
        spdlog::info("rtsp: {}: {}", path, error);
    return file;
}

}  // namespace layer7::rtsp
