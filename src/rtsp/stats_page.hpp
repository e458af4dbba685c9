// The RTSP server's stats page: every live path with its publisher, and every reader with what
// it was sent and what its RTCP receiver reports say (loss, jitter) — the seeds' "RTCP reports
// delay and loss" made visible. As HTML for people and JSON for scripts. Pure: the shell takes a
// snapshot of the hub and passes it in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtp/rtcp.hpp"
#include "rtsp/sdp.hpp"

namespace layer7::rtsp {

struct ReaderTrackRow {
    std::size_t track = 0;
    std::string media;  // "video H264/90000"
    std::uint32_t clock_rate = 90000;
    std::uint32_t packets = 0, octets = 0;  // sent to this reader (payload octets)
    std::optional<rtp::ReportBlock> report;
    double report_age = 0;  // seconds since that report came
};

struct ReaderRow {
    std::string peer, path;
    bool file = false;   // a file played for this reader, not a live path
    bool tcp = false;    // interleaved on the RTSP connection
    double seconds = 0;  // since PLAY was set up
    std::vector<ReaderTrackRow> tracks;
};

struct StreamRow {
    std::string path, publisher;
    std::vector<std::string> tracks;  // "video H264/90000"
    std::uint64_t packets_in = 0;
    std::size_t readers = 0;
    double idle = 0;  // seconds since the publisher's last packet
};

struct StatsSnapshot {
    std::vector<StreamRow> streams;
    std::vector<ReaderRow> readers;
};

// "video H264/90000": an m= line's media type, encoding and clock rate.
std::string track_label(const Media& media);
std::string stats_html(const StatsSnapshot& snapshot);
std::string stats_json(const StatsSnapshot& snapshot);

}  // namespace layer7::rtsp
