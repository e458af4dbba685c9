// Tests for http/message/range (RFC 9110 §14.1.1 examples, §14.2 rules).
#include "http/message/range.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

static std::vector<ByteRange> ranges(std::string_view v, std::uint64_t len)
{
    auto r = resolve_range(v, len);
    EXPECT_EQ(r.outcome, RangeOutcome::satisfiable) << v;
    return r.ranges;
}

TEST(Range, RfcExamples)
{
    const std::uint64_t len = 10000;
    EXPECT_EQ(ranges("bytes=0-499", len), (std::vector<ByteRange>{{0, 499}}));
    EXPECT_EQ(ranges("bytes=500-999", len), (std::vector<ByteRange>{{500, 999}}));
    EXPECT_EQ(ranges("bytes=-500", len), (std::vector<ByteRange>{{9500, 9999}}));
    EXPECT_EQ(ranges("bytes=9500-", len), (std::vector<ByteRange>{{9500, 9999}}));
    EXPECT_EQ(ranges("bytes=0-0,-1", len), (std::vector<ByteRange>{{0, 0}, {9999, 9999}}));
    EXPECT_EQ(ranges("bytes= 0-999, 4500-5499, -1000", len),
              (std::vector<ByteRange>{{0, 999}, {4500, 5499}, {9000, 9999}}));
    // Overlapping: coalesced and sorted (§14.2 MAY coalesce).
    EXPECT_EQ(ranges("bytes=500-600,601-999", len), (std::vector<ByteRange>{{500, 999}}));
    EXPECT_EQ(ranges("bytes=500-700,601-999", len), (std::vector<ByteRange>{{500, 999}}));
}

TEST(Range, ClampsAndDrops)
{
    EXPECT_EQ(ranges("bytes=0-99,200-", 150), (std::vector<ByteRange>{{0, 99}}));
    EXPECT_EQ(ranges("bytes=-500", 100), (std::vector<ByteRange>{{0, 99}}));
    EXPECT_EQ(ranges("bytes=90-1000", 100), (std::vector<ByteRange>{{90, 99}}));
    EXPECT_EQ(ranges("Bytes=0-0", 1), (std::vector<ByteRange>{{0, 0}}));
    EXPECT_EQ(ranges("bytes=0-99,200-,-500", 1000),
              (std::vector<ByteRange>{{0, 99}, {200, 999}}));  // 500-999 overlaps 200-: merged
}

TEST(Range, Unsatisfiable)
{
    EXPECT_EQ(resolve_range("bytes=100-", 100).outcome, RangeOutcome::unsatisfiable);
    EXPECT_EQ(resolve_range("bytes=-0", 100).outcome, RangeOutcome::unsatisfiable);
    EXPECT_EQ(resolve_range("bytes=0-1", 0).outcome, RangeOutcome::unsatisfiable);
    EXPECT_EQ(resolve_range("bytes=-5", 0).outcome, RangeOutcome::unsatisfiable);
}

TEST(Range, Ignored)
{
    for (std::string_view v : {"", "items=0-1", "bytes=", "bytes=a-b", "bytes=5-1", "bytes=1", "bytes=--1",
                               "bytes=0-1;x", "bytes=99999999999999999999-", "bytes 0-1"})
        EXPECT_EQ(resolve_range(v, 100).outcome, RangeOutcome::ignored) << v;
}

TEST(Range, MaxRangesLimit)
{
    auto spec = [](std::size_t n) {
        std::string s = "bytes=";
        for (std::size_t i = 0; i < n; ++i)
            s += (i ? "," : "") + std::to_string(i * 10) + "-" + std::to_string(i * 10 + 1);
        return s;
    };
    RangeLimits limits{4};
    EXPECT_EQ(resolve_range(spec(3), 1000, limits).ranges.size(), 3u);
    EXPECT_EQ(resolve_range(spec(4), 1000, limits).ranges.size(), 4u);
    EXPECT_EQ(resolve_range(spec(5), 1000, limits).outcome, RangeOutcome::ignored);
}

TEST(Range, IfRangeNeedsAStrongTagOrTheExactDate)
{
    const auto modified = std::chrono::sys_seconds(std::chrono::seconds(784111777));  // Sun, 06 Nov 1994 08:49:37
    const EntityTag strong{false, "v1"}, weak{true, "v1"};
    EXPECT_TRUE(if_range_matches("\"v1\"", strong, modified));
    EXPECT_FALSE(if_range_matches("\"v2\"", strong, modified));
    EXPECT_FALSE(if_range_matches("W/\"v1\"", weak, modified));  // §13.1.5: weak tags never match
    EXPECT_FALSE(if_range_matches("\"v1\"", weak, modified));
    EXPECT_FALSE(if_range_matches("\"v1\"", std::nullopt, modified));
    EXPECT_TRUE(if_range_matches("Sun, 06 Nov 1994 08:49:37 GMT", std::nullopt, modified));
    EXPECT_FALSE(if_range_matches("Sun, 06 Nov 1994 08:49:38 GMT", strong, modified));
    EXPECT_FALSE(if_range_matches("Sun, 06 Nov 1994 08:49:37 GMT", strong, std::nullopt));
    EXPECT_FALSE(if_range_matches("garbage", strong, modified));
}

TEST(Range, ContentRangeAndMultipartFraming)
{
    EXPECT_EQ(content_range({0, 99}, 1234), "bytes 0-99/1234");
    EXPECT_EQ(byteranges_part_head("B", "text/plain", {5, 9}, 10),
              "\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 5-9/10\r\n\r\n");
    EXPECT_EQ(byteranges_part_head("B", "", {0, 0}, 1), "\r\n--B\r\nContent-Range: bytes 0-0/1\r\n\r\n");
    EXPECT_EQ(byteranges_end("B"), "\r\n--B--\r\n");
}
