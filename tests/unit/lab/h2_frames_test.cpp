#include "lab/h2_frames.hpp"

#include <gtest/gtest.h>

namespace layer7::lab {
namespace {

std::string frame(std::uint32_t length, std::uint8_t type, std::uint8_t flags, std::uint32_t stream)
{
    std::string f{static_cast<char>(length >> 16), static_cast<char>(length >> 8), static_cast<char>(length),
                  static_cast<char>(type),         static_cast<char>(flags),       static_cast<char>(stream >> 24),
                  static_cast<char>(stream >> 16), static_cast<char>(stream >> 8), static_cast<char>(stream)};
    return f + std::string(length, 'x');
}

TEST(H2FrameLines, ClientPrefaceThenFramesWithStreamLengthAndEnd)
{
    H2FrameLines client(true);
    const std::string bytes = std::string(H2FrameLines::preface) + frame(6, 0x4, 0, 0) + frame(30, 0x1, 0x5, 3);
    EXPECT_EQ(client.feed(bytes), (std::vector<std::string>{"connection preface", "SETTINGS length=6",
                                                            "HEADERS stream=3 length=30 END_STREAM"}));
}

TEST(H2FrameLines, AFrameCutAnywhereIsShownOnceItsLastByteIsIn)
{
    H2FrameLines server(false);
    const std::string bytes = frame(16384, 0x0, 0, 3) + frame(100, 0x0, 0x1, 5);
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < bytes.size(); at += 1000) {
        const auto got = server.feed(std::string_view(bytes).substr(at, 1000));
        if (at + 1000 < 16384 + 9) {
            EXPECT_TRUE(got.empty()) << at;
        }
        lines.insert(lines.end(), got.begin(), got.end());
    }
    EXPECT_EQ(lines, (std::vector<std::string>{"DATA stream=3 length=16384", "DATA stream=5 length=100 END_STREAM"}));
    // A header cut after its first byte
    const std::string ping = frame(8, 0x6, 0, 0);
    EXPECT_TRUE(server.feed(ping.substr(0, 1)).empty());
    EXPECT_EQ(server.feed(ping.substr(1)), (std::vector<std::string>{"PING length=8"}));
}

}  // namespace
}  // namespace layer7::lab
