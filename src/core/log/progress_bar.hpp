// ProgressBar: one redrawn line on standard error for a long transfer (ftp get/put, layer7 get -o);
// shown only when enabled (the caller checks that stderr is a terminal).
#pragma once

#include <chrono>
#include <cstdint>

namespace layer7::core {

class ProgressBar {
public:
    // `start`: bytes already there (a resumed download); `total`: 0 when unknown.
    ProgressBar(bool enabled, std::uint64_t start, std::uint64_t total);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;

    // `moved` bytes so far in this transfer; redraws at most five times a second, and at the end.
    void update(std::uint64_t moved);

private:
    bool enabled_;
    std::uint64_t start_, total_;
    std::chrono::steady_clock::time_point begun_, last_;
    bool shown_ = false;
};

}  // namespace layer7::core
