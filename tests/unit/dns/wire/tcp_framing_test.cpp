// TCP framing (RFC 1035 §4.2.2, RFC 7766 §8): whole, split at every byte, pipelined, bad lengths.
#include "dns/wire/tcp_framing.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

namespace {
std::vector<std::uint8_t> message(std::size_t n, std::uint8_t fill)
{
    return std::vector<std::uint8_t>(n, fill);
}
std::vector<std::vector<std::uint8_t>> drain(TcpFramer& f)
{
    std::vector<std::vector<std::uint8_t>> out;
    while (auto m = f.next())
        out.emplace_back(m->begin(), m->end());
    return out;
}
}  // namespace

TEST(TcpFraming, FrameAddsTheLength)
{
    auto framed = frame(message(300, 7));
    ASSERT_EQ(framed.size(), 302u);
    EXPECT_EQ(framed[0], 1);
    EXPECT_EQ(framed[1], 44);
    EXPECT_TRUE(frame(message(65536, 0)).empty());
    EXPECT_EQ(frame(message(65535, 0)).size(), 65537u);
}

TEST(TcpFraming, PipelinedMessagesSplitAtEveryOffset)
{
    auto a = message(12, 1), b = message(40, 2), c = message(700, 3);
    std::vector<std::uint8_t> stream;
    for (auto* m : {&a, &b, &c}) {
        auto f = frame(*m);
        stream.insert(stream.end(), f.begin(), f.end());
    }
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        TcpFramer f;
        std::vector<std::vector<std::uint8_t>> got;
        f.feed(std::span(stream).first(cut));
        for (auto& m : drain(f))
            got.push_back(m);
        f.feed(std::span(stream).subspan(cut));
        for (auto& m : drain(f))
            got.push_back(m);
        ASSERT_EQ(got.size(), 3u) << cut;
        EXPECT_EQ(got[0], a);
        EXPECT_EQ(got[1], b);
        EXPECT_EQ(got[2], c);
        EXPECT_EQ(f.buffered(), 0u);
        EXPECT_EQ(f.error(), FrameError::none);
    }
}

TEST(TcpFraming, OneByteAtATime)
{
    auto m = frame(message(100, 9));
    TcpFramer f;
    int seen = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
        f.feed(std::span(m).subspan(i, 1));
        if (auto got = f.next()) {
            EXPECT_EQ(i, m.size() - 1);
            EXPECT_EQ(got->size(), 100u);
            ++seen;
        }
    }
    EXPECT_EQ(seen, 1);
}

TEST(TcpFraming, LengthLimitsAtElevenTwelveThirteen)
{
    for (std::size_t n : {11u, 12u, 13u}) {
        auto m = frame(message(n, 5));
        TcpFramer f;
        f.feed(m);
        auto got = f.next();
        EXPECT_EQ(got.has_value(), n >= 12) << n;
        EXPECT_EQ(f.error(), n >= 12 ? FrameError::none : FrameError::too_short) << n;
    }
}

TEST(TcpFraming, ZeroLengthIsAnErrorAndSticks)
{
    TcpFramer f;
    std::vector<std::uint8_t> bytes = {0, 0};
    auto good = frame(message(12, 1));
    bytes.insert(bytes.end(), good.begin(), good.end());
    f.feed(bytes);
    EXPECT_FALSE(f.next());
    EXPECT_EQ(f.error(), FrameError::empty_message);
    EXPECT_FALSE(f.next());
    EXPECT_EQ(to_string(FrameError::empty_message), "zero-length message");
}

TEST(TcpFraming, LargestMessageAndLongStreams)
{
    TcpFramer f;
    auto big = frame(message(65535, 0xab));
    for (int round = 0; round < 5; ++round) {
        f.feed(big);
        auto got = f.next();
        ASSERT_TRUE(got);
        EXPECT_EQ(got->size(), 65535u);
    }
    EXPECT_EQ(f.buffered(), 0u);
}
