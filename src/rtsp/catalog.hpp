// ServerCatalog: what DESCRIBE can name — a live path being published (Hub), else a media file
// beneath the media root (opened with RESOLVE_BENEATH: no path leads out of it).
#pragma once

#include <memory>
#include <string>

#include "core/fs/beneath.hpp"
#include "rtsp/hub.hpp"
#include "rtsp/media_file.hpp"
#include "rtsp/server_session.hpp"

namespace layer7::rtsp {

class ServerCatalog final : public Catalog {
public:
    ServerCatalog(Hub& hub, const core::Root* media_root) : hub_(hub), root_(media_root) {}

    std::optional<SessionDescription> describe(std::string_view path) override;
    int can_announce(std::string_view path) override;
    // The file at `path`, opened for playing; nullptr when there is none.
    std::unique_ptr<MediaFile> open_file(std::string_view path) const;

private:
    Hub& hub_;
    const core::Root* root_;
};

}  // namespace layer7::rtsp
