// The player's simulated playout buffer, clock-free: the caller says how much media arrived and
// how much wall time passed; playback starts once `startup` seconds are buffered, drains the buffer
// in real time, and stalls (rebuffers) when it runs dry until `startup` seconds are back. Counts
// what a viewer would notice: startup delay, stalls and their total length.
#pragma once

#include <cstddef>

namespace layer7::stream {

class PlayoutBuffer {
public:
    explicit PlayoutBuffer(double startup_seconds) : startup_(startup_seconds) {}

    // `seconds` of wall time passed (downloading or waiting). Returns the stall time it caused.
    double advance(double seconds);
    // A segment of `media_seconds` is buffered.
    void add(double media_seconds);
    // The stream is complete: what is buffered plays out whatever the level.
    void finish() { ended_ = true; }

    double level() const { return level_; }
    bool playing() const { return playing_; }
    double startup_delay() const { return startup_delay_; }
    std::size_t stalls() const { return stalls_; }
    double stall_seconds() const { return stall_seconds_; }
    double played() const { return played_; }

private:
    double startup_;
    double level_ = 0;
    bool playing_ = false, started_ = false, ended_ = false;
    double startup_delay_ = 0, stall_seconds_ = 0, played_ = 0;
    std::size_t stalls_ = 0;
};

}  // namespace layer7::stream
