#include "rtp/h264.hpp"

#include <gtest/gtest.h>

namespace layer7::rtp::h264 {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::string annex_b(const Bytes& nal)
{
    return std::string("\0\0\0\1", 4) + std::string(nal.begin(), nal.end());
}

TEST(H264, SmallNalIsOnePacket)
{
    const Bytes nal{0x65, 1, 2, 3};
    auto p = packetize(nal, 1400);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], nal);
}

TEST(H264, LargeNalIsFuAAndReassembles)
{
    Bytes nal(3000);
    nal[0] = 0x65;  // NRI 3, IDR slice
    for (std::size_t i = 1; i < nal.size(); ++i)
        nal[i] = static_cast<std::uint8_t>(i);
    auto p = packetize(nal, 1000);
    ASSERT_EQ(p.size(), 4u);
    EXPECT_EQ(p[0][0], 0x60 | fu_a);
    EXPECT_EQ(p[0][1], 0x80 | 5);  // S
    EXPECT_EQ(p[3][1], 0x40 | 5);  // E
    Depacketizer d;
    std::string out;
    for (const auto& payload : p)
        EXPECT_TRUE(d.on_payload(payload, false, out));
    EXPECT_EQ(out, annex_b(nal));
}

TEST(H264, ALostFragmentDropsTheUnit)
{
    Bytes nal(3000, 7);
    nal[0] = 0x41;
    auto p = packetize(nal, 1000);
    Depacketizer d;
    std::string out;
    d.on_payload(p[0], false, out);
    d.on_payload(p[2], true, out);  // p[1] lost
    d.on_payload(p[3], false, out);
    EXPECT_TRUE(out.empty());
    const Bytes next{0x41, 9};
    d.on_payload(next, false, out);
    EXPECT_EQ(out, annex_b(next));
}

TEST(H264, StapAAndBadPayloads)
{
    const Bytes stap{24, 0, 2, 0x67, 1, 0, 1, 0x68};
    Depacketizer d;
    std::string out;
    EXPECT_TRUE(d.on_payload(stap, false, out));
    EXPECT_EQ(out, annex_b({0x67, 1}) + annex_b({0x68}));
    const Bytes truncated{24, 0, 9, 0x67};
    EXPECT_FALSE(d.on_payload(truncated, false, out));
    EXPECT_FALSE(d.on_payload(Bytes{26, 0}, false, out));  // MTAP: not negotiated
}

TEST(H264, SplitsAnnexBAndCarriesParameterSetsInFmtp)
{
    const Bytes stream{0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e, 0, 0, 1, 0x68, 0xce, 0, 0, 0, 1, 0x65, 0x88};
    auto nals = split_annex_b(stream);
    ASSERT_EQ(nals.size(), 3u);
    EXPECT_EQ(Bytes(nals[1].begin(), nals[1].end()), (Bytes{0x68, 0xce}));
    const std::string line = fmtp(nals[0], nals[1]);
    EXPECT_EQ(line, "packetization-mode=1;profile-level-id=42C01E;sprop-parameter-sets=Z0LAHg==,aM4=");
    EXPECT_EQ(parameter_sets_annex_b(line), annex_b({0x67, 0x42, 0xc0, 0x1e}) + annex_b({0x68, 0xce}));
}

}  // namespace
}  // namespace layer7::rtp::h264
