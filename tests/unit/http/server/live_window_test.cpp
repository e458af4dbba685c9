#include "http/server/live_window.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

TEST(LiveWindow, MediaSegmentsOlderThanTheWindowGo)
{
    const std::int64_t now = 100000;
    const std::vector<SegmentFile> files{
        {"chunk-stream0-00001.m4s", now - 30001},  // out
        {"chunk-stream0-00002.m4s", now - 30000},  // exactly at the edge: kept
        {"chunk-stream0-00003.m4s", now - 29999},
        {"init-stream0.m4s", now - 90000},  // init segments stay
        {"manifest.mpd", now - 90000},      // not a segment
        {"notes.txt", now - 90000},
        {".chunk-stream0-00009.m4s.tmp", now - 90000},  // someone's upload in progress
        {"old.mp4", now - 40000},
    };
    EXPECT_EQ(expired_segments(files, now, std::chrono::seconds(30)),
              (std::vector<std::string>{"chunk-stream0-00001.m4s", "old.mp4"}));
    EXPECT_TRUE(expired_segments(files, now, std::chrono::seconds(100)).empty());
}
