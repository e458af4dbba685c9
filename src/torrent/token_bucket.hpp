// A peer's upload or download cap (aria2c's --max-upload-limit and --max-download-limit,
// libtorrent's upload_rate_limit and download_rate_limit): one token bucket shared by all of the
// peer's connections and charged with the piece data each sends (or receives), so the cap holds
// however many peers it serves and whoever opened the connection. Pure: the caller passes the
// time in.
#pragma once

#include <chrono>
#include <cstddef>

namespace layer7::torrent {

class TokenBucket {
public:
    using Clock = std::chrono::steady_clock;

    // `bytes_per_second` 0: no limit. `burst_bytes`: what may go at once after an idle spell.
    TokenBucket(double bytes_per_second, std::size_t burst_bytes);

    // Takes `bytes` from the bucket at `now` and says when they may be sent: `now` if the bucket
    // holds them, else once it has refilled enough. Senders are served in the order they reserve,
    // so connections that share the bucket take turns.
    Clock::time_point reserve(Clock::time_point now, std::size_t bytes);
    double rate() const { return rate_; }

private:
    Clock::duration time_for(double bytes) const;

    double rate_;
    Clock::duration burst_;  // the burst, as the time the rate takes to send it
    // When everything reserved so far has drained at the rate (GCRA's theoretical arrival time):
    // the bucket is full again then.
    Clock::time_point drained_{};
};

}  // namespace layer7::torrent
