// The simulated playout buffer: see playout.hpp.
#include "stream/playout.hpp"

#include <algorithm>

namespace layer7::stream {

double PlayoutBuffer::advance(double seconds)
{
    if (seconds <= 0)
        return 0;
    if (!playing_) {
        if (!started_)
            startup_delay_ += seconds;
        else
            stall_seconds_ += seconds;
        return started_ ? seconds : 0;
    }
    const double play = std::min(seconds, level_);
    level_ -= play;
    played_ += play;
    const double dry = seconds - play;
    if (dry > 0 && !ended_) {  // ran out mid-way: a stall begins
        playing_ = false;
        ++stalls_;
        stall_seconds_ += dry;
        return dry;
    }
    return 0;
}

void PlayoutBuffer::add(double media_seconds)
{
    level_ += media_seconds;
    if (!playing_ && (level_ >= startup_ || ended_)) {
        playing_ = true;
        started_ = true;
    }
}

}  // namespace layer7::stream
