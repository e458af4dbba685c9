// The dash-adaptation experiment's arithmetic (pure): the rendition the textbook's client would
// pick at a given rate — the highest whose bitrate the throughput allows — and each step of the
// link's rate trace summed up against it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace layer7::lab {

// The highest of `bitrates` (bit/s, any order) at most `allowed` bit/s; the lowest when none is.
std::uint64_t highest_within(const std::vector<std::uint64_t>& bitrates, double allowed);

// A segment as the player chose it: when it asked (seconds since the start) and at what bitrate.
struct Choice {
    double at = 0;
    std::uint64_t bitrate = 0;
};

// One constant-rate step of the trace and what the player chose during it.
struct StepOutcome {
    double from = 0, until = 0;  // seconds
    double rate = 0;             // bit/s
    std::uint64_t ideal = 0;     // highest_within(bitrates, safety × rate)
    std::size_t segments = 0;    // asked for during the step
    std::size_t settled = 0;     // of them, after the first `settle` (the estimator catching up)
    double mean_settled = 0;     // their mean bitrate, bit/s (0: none)
    std::size_t matching = 0;    // settled ones at exactly `ideal`
};

// `starts` and `rates`: the trace (starts ascending from 0, seconds; the last step lasts until
// `end`). Each choice falls in the step its `at` is in.
std::vector<StepOutcome> outcomes(const std::vector<double>& starts, const std::vector<double>& rates, double end,
                                  const std::vector<std::uint64_t>& bitrates, double safety,
                                  const std::vector<Choice>& choices, std::size_t settle);

}  // namespace layer7::lab
