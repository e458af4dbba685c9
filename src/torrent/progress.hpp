// What `layer7 torrent get|seed` shows of a running torrent, each second: the progress line on a
// terminal, or with --json one JSON object per line for scripts. Pure: the peer fills a Progress.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace layer7::torrent {

struct Progress {
    std::string_view name, info_hash;  // info_hash in hex
    std::size_t pieces = 0, pieces_have = 0, peers = 0;
    std::uint64_t size = 0, left = 0;            // bytes: the whole torrent, and those not yet checked
    std::uint64_t downloaded = 0, uploaded = 0;  // piece data received and sent so far
    double down_rate = 0, up_rate = 0;           // bytes/s over the last second
    double seconds = 0;                          // since the start
};

// Copies of the torrent sent so far: uploaded / size (the share ratio a seed is judged by).
double ratio(const Progress& p);
// Seconds left at the current download rate; negative when it cannot be told (no data coming).
double eta_seconds(const Progress& p);
// "42.0%  107/256 pieces  3 peers  down 10.2 MiB/s  up 1.0 MiB/s  ratio 0.12  ETA 12s".
std::string progress_line(const Progress& p);
// {"event":EVENT,"name":…,"info_hash":…,"pieces":…,"pieces_have":…,"size":…,"left":…,"percent":…,
//  "peers":…,"downloaded":…,"uploaded":…,"down_rate":…,"up_rate":…,"ratio":…,"eta":…|null,
//  "seconds":…} on one line. Events: "status" (each second), "complete", "stopped" (the last line).
std::string progress_json(const Progress& p, std::string_view event);
// "1.5 MiB" (binary units, one decimal).
std::string human_bytes(double n);

}  // namespace layer7::torrent
