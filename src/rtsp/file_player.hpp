// FilePlayer: sends a MediaFile to one reader with the file's own pacing — each packet leaves at
// its decode time after the start of PLAY — with an RTCP sender report per track every second and
// a BYE at the end. PAUSE stops it; PLAY resumes where it stopped, or at a Range.
#pragma once

#include <memory>
#include <optional>

#include "core/net/asio.hpp"
#include "rtsp/hub.hpp"
#include "rtsp/media_file.hpp"

namespace layer7::rtsp {

class FilePlayer : public std::enable_shared_from_this<FilePlayer> {
public:
    FilePlayer(std::unique_ptr<MediaFile> file, std::shared_ptr<Reader> reader, const UdpPorts& ports);

    // Starts (or resumes) sending on `executor`; from `start` seconds when given.
    void play(asio::any_io_executor executor, std::optional<double> start);
    void pause();
    const MediaFile& file() const { return *file_; }
    // The RTP-Info value for PLAY's response (RFC 2326 §12.33): each track's first sequence and timestamp.
    std::string rtp_info(const std::string& base_url) const;

private:
    core::awaitable<void> run(std::uint64_t generation);
    void send_reports();

    struct TrackState {
        std::uint32_t ssrc = 0;
        std::uint16_t sequence = 0;
        std::uint32_t timestamp_base = 0;  // random (RFC 3550 §5.1)
        std::uint32_t last_rtp = 0;
        std::uint32_t packets = 0, octets = 0;
    };

    std::unique_ptr<MediaFile> file_;
    std::shared_ptr<Reader> reader_;
    const UdpPorts& ports_;
    std::vector<TrackState> tracks_;
    std::optional<MediaFile::Frame> pending_;  // read but not yet sent when paused
    std::uint64_t generation_ = 0;             // bumped by pause/play: an older run() stops
    std::unique_ptr<asio::steady_timer> timer_;
};

}  // namespace layer7::rtsp
