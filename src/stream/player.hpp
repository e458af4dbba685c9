// `layer7 stream play URL.mpd`: the DASH client shell. Fetches the MPD and the init and media
// segments of one adaptation set over keep-alive connections (http/client), asks an ABR rule
// which representation to fetch next, keeps a simulated playout buffer, and prints one line per
// segment and a summary. A rate trace caps the download speed so that adaptation shows. Live
// (type="dynamic") presentations are followed by refetching the MPD every minimumUpdatePeriod.
#pragma once

#include <optional>
#include <string>

#include "stream/abr.hpp"
#include "stream/rate_trace.hpp"

namespace layer7::stream {

struct PlayerOptions {
    std::string url;
    AbrKind abr = AbrKind::throughput;
    AbrSettings settings;
    RateTrace rate;           // empty: no cap
    std::string out;          // write the received video here ("" = nowhere)
    double max_buffer = 20;   // seconds buffered ahead before the player waits
    std::optional<double> duration;  // seconds of media to play (live: 30 unless given)
    bool insecure = false;    // https: do not verify the certificate
};

// Runs the player to the end of the presentation (or live_seconds); 0 when it played, 1 on an
// error (printed to stderr: unreachable server, HTTP error, malformed MPD, missing segment).
int run_player(const PlayerOptions& options);

}  // namespace layer7::stream
