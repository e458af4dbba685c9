// A terminal progress bar: see progress_bar.hpp.
#include "core/log/progress_bar.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace layer7::core {

ProgressBar::ProgressBar(bool enabled, std::uint64_t start, std::uint64_t total)
    : enabled_(enabled), start_(start), total_(total), begun_(std::chrono::steady_clock::now())
{
}

ProgressBar::~ProgressBar()
{
    if (shown_)
        std::fputs("\n", stderr);
}

void ProgressBar::update(std::uint64_t moved)
{
    if (!enabled_)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(200) && start_ + moved != total_)
        return;
    last_ = now;
    shown_ = true;
    const double seconds = std::chrono::duration<double>(now - begun_).count();
    const double rate = seconds > 0 ? static_cast<double>(moved) / seconds / 1e6 : 0;
    const std::uint64_t done = start_ + moved;
    const int width = 30;
    const int filled = total_ ? static_cast<int>(width * std::min<double>(1.0, double(done) / double(total_))) : 0;
    std::fprintf(stderr, "\r[%-*s] %6.1f MiB%s %7.1f MB/s", width, std::string(filled, '#').c_str(),
                 double(done) / 1048576.0, total_ ? (" / " + std::to_string(total_ / 1048576) + " MiB").c_str() : "",
                 rate);
    std::fflush(stderr);
}

}  // namespace layer7::core
