// RelayClock: the wallclock a relay's sender report gives the latest packet's timestamp.
#include "rtp/relay_clock.hpp"

#include <gtest/gtest.h>

using namespace layer7::rtp;

namespace {
constexpr std::uint64_t second = std::uint64_t{1} << 32;
constexpr std::uint64_t t0 = 3'900'000'000ull * second;  // some NTP instant in 2023
}  // namespace

TEST(RelayClock, NothingToSayBeforeThePublisherSendsAPacket)
{
    RelayClock clock(90000);
    EXPECT_FALSE(clock.point());
    clock.on_sender_report(t0, 1000);
    EXPECT_FALSE(clock.point());
}

TEST(RelayClock, WithoutThePublishersReportTheArrivalIsTheWallclock)
{
    RelayClock clock(90000);
    clock.on_packet(5000, t0);
    clock.on_packet(8000, t0 + second / 30);
    EXPECT_EQ(clock.point(), (ClockPoint{t0 + second / 30, 8000}));
}

TEST(RelayClock, ThePublishersMappingIsKeptWhateverTheArrival)
{
    RelayClock clock(90000);
    clock.on_sender_report(t0, 90000);
    clock.on_packet(90000 + 45000, t0 + 7 * second);  // arrived late: half a second of media later
    EXPECT_EQ(clock.point(), (ClockPoint{t0 + second / 2, 135000}));
    clock.on_packet(90000 - 9000, t0 + 8 * second);  // a B-frame before the SR's instant
    EXPECT_EQ(clock.point(), (ClockPoint{t0 - second / 10, 81000}));
}

TEST(RelayClock, TimestampsThatWrapStillCountForward)
{
    RelayClock clock(48000);
    clock.on_sender_report(t0, 0xFFFF'FFFFu - 23999);  // half a second before the wrap
    clock.on_packet(24000, t0);                        // half a second after it
    EXPECT_EQ(clock.point(), (ClockPoint{t0 + second, 24000}));
}

TEST(RelayClock, AnUnknownClockRateCountsAs90kHz)
{
    RelayClock clock(0);
    clock.on_sender_report(t0, 0);
    clock.on_packet(90000, t0);
    EXPECT_EQ(clock.point(), (ClockPoint{t0 + second, 90000}));
}
