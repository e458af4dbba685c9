// How many block requests to keep in flight to one peer (pure). A fixed deep pipeline fills a
// fast link's round trip but parks seconds of blocks at a peer that uploads slowly (a capped
// home uplink shared by its unchoked peers): those pieces stay unfinished, so nobody can pass
// them on, and the endgame starts late. Like libtorrent's request queue time, the depth follows
// what the peer has been sending: `queue_seconds` of its recent rate, between `min` and `max`.
#pragma once

#include <cstddef>
#include <cstdint>

namespace layer7::torrent {

class RequestDepth {
public:
    // `start`: the depth before anything was measured.
    RequestDepth(std::size_t min, std::size_t max, std::size_t start, double queue_seconds);

    // Once a second: the piece data received from the peer in that second. The rate is smoothed
    // over about two seconds, but a faster second counts at once (the depth must grow with the
    // link: a depth too small is what holds the rate down where round trips are long).
    void on_second(std::uint64_t bytes);
    std::size_t depth() const { return depth_; }

private:
    std::size_t min_, max_, depth_;
    double queue_seconds_;
    double rate_ = 0;  // bytes/s
};

}  // namespace layer7::torrent
