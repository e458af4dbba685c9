// Adaptive bitrate rules for the DASH player, pure and clock-free: the caller feeds measured
// throughput and the buffer level, the rule answers which representation (by index into bitrates
// sorted lowest first) to fetch next.
//  - throughput: the highest bitrate under a safety share of the estimated throughput (the
//    estimate is the harmonic mean of the last few segments, which one fast sample cannot inflate);
//  - BOLA (Spiteri, Urgaonkar, Sitaraman, "BOLA: Near-Optimal Bitrate Adaptation for Online
//    Videos", INFOCOM 2016): buffer-based, maximising (V·(utility + γp) − buffer) / size with
//    logarithmic utilities; V and γp follow from a minimum and a target buffer level, the way
//    dash.js parameterises it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace layer7::stream {

class ThroughputEstimator {
public:
    explicit ThroughputEstimator(std::size_t window = 4) : window_(window) {}
    void add(double bits_per_second);
    // bit/s; 0 before the first sample.
    double estimate() const;

private:
    std::size_t window_;
    std::deque<double> samples_;
};

struct AbrState {
    const std::vector<std::uint64_t>* bitrates = nullptr;  // bit/s, ascending
    double buffer_seconds = 0;
    double throughput = 0;  // bit/s estimate; 0 = none yet
};

enum class AbrKind { throughput, bola };

struct AbrSettings {
    double safety = 0.9;         // throughput rule: use at most this share of the estimate
    double bola_min_buffer = 4;  // seconds: below it BOLA holds the lowest bitrate
    double bola_target = 12;     // seconds: at it BOLA reaches the highest
};

// The representation index for the next segment.
std::size_t choose_throughput(const AbrState& s, const AbrSettings& settings);
std::size_t choose_bola(const AbrState& s, const AbrSettings& settings);
std::size_t choose(AbrKind kind, const AbrState& s, const AbrSettings& settings);

}  // namespace layer7::stream
