// Clock readings for what needs no better than a few milliseconds (idle deadlines, the Date
// header, a cache's once-a-second revalidation): the kernel's values as of its last tick
// (CLOCK_MONOTONIC_COARSE, CLOCK_REALTIME_COARSE), a memory read in the vDSO instead of a
// timestamp-counter read and scaling, on the same time lines as steady_clock and system_clock.
// Usually within one tick (1-10 ms) of the precise clocks, but more after an idle CPU wakes
// (a tickless kernel updates them lazily: 2 ticks seen on a 4 ms-tick VM).
#pragma once

#include <time.h>

#include <chrono>

namespace layer7::core {

namespace detail {
inline std::chrono::nanoseconds to_duration(const timespec& ts)
{
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}
inline std::chrono::nanoseconds read_clock(clockid_t id)
{
    timespec ts{};
    ::clock_gettime(id, &ts);
    return to_duration(ts);
}
}  // namespace detail

inline std::chrono::steady_clock::time_point coarse_steady_now()
{
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(detail::read_clock(CLOCK_MONOTONIC_COARSE)));
}

// A steady_clock time `after` from now, give or take the coarse clock's lag: one tick is added,
// so it is early only by a lag beyond one tick, in practice less than kCoarseSlack. Fine for idle
// timeouts, which are seconds; not for anything where being early breaks a promise.
inline constexpr std::chrono::milliseconds kCoarseSlack{20};

inline std::chrono::steady_clock::time_point coarse_deadline(std::chrono::steady_clock::duration after)
{
    static const std::chrono::nanoseconds tick = [] {
        timespec ts{};
        ::clock_getres(CLOCK_MONOTONIC_COARSE, &ts);
        return detail::to_duration(ts);
    }();
    return coarse_steady_now() + tick + after;
}

inline std::chrono::system_clock::time_point coarse_system_now()
{
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(detail::read_clock(CLOCK_REALTIME_COARSE)));
}

}  // namespace layer7::core
