// `layer7 rtsp play`: an RTSP client that DESCRIBEs, SETUPs every track (UDP client ports, or
// interleaved with --tcp), PLAYs, and runs each track through a TrackReceiver: the playout buffer
// made visible, one line per second per track. RTCP receiver reports go back every few seconds,
// GET_PARAMETER keeps the session alive, TEARDOWN ends it.
#pragma once

#include <ostream>
#include <string>

namespace layer7::rtsp {

struct PlayOptions {
    std::string url;
    bool tcp = false;     // RTP interleaved on the RTSP connection
    std::string out;      // the tracks muxed into a .mkv/.mp4/.ts, or the H.264 track as a .h264; "" = none
    int delay_ms = 200;   // the playout delay
    double duration = 0;  // seconds to play, 0 = until the end (BYE) or Ctrl-C
    int connect_timeout_s = 10;
};

// Exit status: 0 when packets were played, 1 otherwise (the reason on stderr).
int play(const PlayOptions& options, std::ostream& report);

}  // namespace layer7::rtsp
