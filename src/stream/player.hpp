// `layer7 stream play URL.mpd`: the DASH client shell. Fetches the MPD and the init and media
// segments of one adaptation set over keep-alive connections (http/client), asks an ABR rule
// which representation to fetch next, keeps a simulated playout buffer, and prints one line per
// segment and a summary. A rate trace caps the download speed so that adaptation shows. Live
// (type="dynamic") presentations are followed by refetching the MPD every minimumUpdatePeriod.
// play() is the same player on the caller's event loop, returning what it did segment by segment
// (the lab's dash-adaptation draws it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/net/asio.hpp"

#include "stream/abr.hpp"
#include "stream/rate_trace.hpp"

namespace layer7::stream {

struct PlayerOptions {
    std::string url;
    AbrKind abr = AbrKind::throughput;
    AbrSettings settings;
    RateTrace rate;                  // empty: no cap
    std::string out;                 // write the received video here ("" = nowhere)
    double max_buffer = 20;          // seconds buffered ahead before the player waits
    std::optional<double> duration;  // seconds of media to play (live: 30 unless given)
    bool insecure = false;           // https: do not verify the certificate
    bool print = true;               // the lines `stream play` prints (errors included); play() may keep quiet
};

// One media segment as the player fetched it: what `stream play` prints on its line.
struct SegmentResult {
    std::uint64_t number = 0;
    std::string representation;   // its id
    std::uint64_t bitrate = 0;    // its @bandwidth, bit/s
    double requested = 0;         // seconds since the player started, when its download began
    double download_seconds = 0;  // its init segment (the first time) and the media segment
    double throughput = 0;        // bit/s the media segment came at
    double buffer = 0;            // seconds buffered once it arrived
    double stall = 0;             // seconds playback stalled meanwhile
    std::uint64_t bytes = 0;      // the media segment's
};

struct PlayResult {
    int status = 1;                       // as run_player's
    std::string error;                    // why, when status is 1
    std::vector<std::uint64_t> bitrates;  // the representations', as the MPD lists them
    std::vector<SegmentResult> segments;
    std::size_t stalls = 0;
    double stall_seconds = 0, startup_delay = 0;
};

// Runs the player to the end of the presentation (or live_seconds); 0 when it played, 1 on an
// error (printed to stderr: unreachable server, HTTP error, malformed MPD, missing segment).
int run_player(const PlayerOptions& options);
// The player on the caller's executor; `options` must outlive it.
core::awaitable<PlayResult> play(const PlayerOptions& options);

}  // namespace layer7::stream
