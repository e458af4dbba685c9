// Compression: the RFC 1035 §4.1.4 example, hostile pointers, and the writer's suffix pointers.
#include "dns/wire/compression.hpp"

#include <gtest/gtest.h>

#include "../../hex.hpp"

using namespace layer7;
using namespace layer7::dns;

namespace {
// RFC 1035 §4.1.4: F.ISI.ARPA at 20, FOO.F.ISI.ARPA at 40 (pointer to 20), ARPA at 64 (pointer
// to 26), the root at 92.
std::vector<std::uint8_t> rfc1035_example()
{
    std::vector<std::uint8_t> m(100, 0xee);
    auto put = [&](std::size_t at, std::vector<std::uint8_t> b) { std::copy(b.begin(), b.end(), m.begin() + at); };
    put(20, {1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0});
    put(40, {3, 'F', 'O', 'O', 0xc0, 20});
    put(64, {0xc0, 26});
    put(92, {0});
    return m;
}

core::Result<Name, DecodeError> read_at(const std::vector<std::uint8_t>& m, std::size_t at, int hops = 126)
{
    core::WireReader r{std::span<const std::uint8_t>(m)};
    r.seek(at);
    return read_name(r, DecodeLimits{.max_records = 1024, .max_pointer_hops = hops});
}
}  // namespace

TEST(Compression, Rfc1035Example)
{
    auto m = rfc1035_example();
    EXPECT_EQ(read_at(m, 20).value().to_text(), "F.ISI.ARPA.");
    EXPECT_EQ(read_at(m, 40).value().to_text(), "FOO.F.ISI.ARPA.");
    EXPECT_EQ(read_at(m, 64).value().to_text(), "ARPA.");
    EXPECT_TRUE(read_at(m, 92).value().is_root());
    core::WireReader r{std::span<const std::uint8_t>(m)};
    r.seek(40);
    ASSERT_TRUE(read_name(r, {}).ok());
    EXPECT_EQ(r.position(), 46u);  // after the pointer, not where it led
}

TEST(Compression, RejectsLoopsForwardAndSelfPointers)
{
    auto self = from_hex("c0 00");
    EXPECT_EQ(read_at(self, 0).error(), DecodeError::bad_pointer);
    auto forward = from_hex("c0 02 00");
    EXPECT_EQ(read_at(forward, 0).error(), DecodeError::bad_pointer);
    // "a" then a pointer back to the "a": would loop forever without the segment rule.
    auto loop = from_hex("01 61 c0 00");
    EXPECT_EQ(read_at(loop, 0).error(), DecodeError::bad_pointer);
    auto truncated = from_hex("03 61 62");
    EXPECT_EQ(read_at(truncated, 0).error(), DecodeError::short_message);
    auto ext_label = from_hex("41 00");
    EXPECT_EQ(read_at(ext_label, 0).error(), DecodeError::bad_label);
}

TEST(Compression, HopLimitAtLimitMinusOneLimitAndPlusOne)
{
    // A chain of pointers, each to the one before: the last needs `hops` jumps to reach the root.
    std::vector<std::uint8_t> m{0};
    for (int i = 0; i < 5; ++i) {
        std::size_t target = i == 0 ? 0 : 1 + 2 * (i - 1);
        m.push_back(0xc0);
        m.push_back(static_cast<std::uint8_t>(target));
    }
    std::size_t last = m.size() - 2;  // 5 hops from here
    EXPECT_EQ(read_at(m, last, 4).error(), DecodeError::pointer_loop);
    EXPECT_TRUE(read_at(m, last, 5).ok());
    EXPECT_TRUE(read_at(m, last, 6).ok());
}

TEST(Compression, NameTooLongAfterDecompression)
{
    // 4 labels of 63 at offset 0 (257 octets with the root); reading that name already fails.
    std::vector<std::uint8_t> m;
    for (int i = 0; i < 4; ++i) {
        m.push_back(63);
        m.insert(m.end(), 63, 'a');
    }
    m.push_back(0);
    EXPECT_EQ(read_at(m, 0).error(), DecodeError::name_too_long);
}

TEST(Compression, WriterPointsAtSuffixesAndKeepsCase)
{
    core::WireWriter out;
    NameCompressor names;
    ASSERT_TRUE(names.write(out, Name::parse("F.ISI.ARPA.").value(), true));
    ASSERT_TRUE(names.write(out, Name::parse("FOO.F.ISI.ARPA.").value(), true));
    ASSERT_TRUE(names.write(out, Name::parse("ARPA.").value(), true));
    ASSERT_TRUE(names.write(out, Name::parse("arpa.").value(), true));  // other case: spelled out
    EXPECT_EQ(out.buffer(), from_hex("01 46 03 49 53 49 04 41 52 50 41 00"
                                     "03 46 4f 4f c0 00"
                                     "c0 06"
                                     "04 61 72 70 61 00"));
}

TEST(Compression, WriterIsAllOrNothingAndForgets)
{
    core::WireWriter out(8);
    NameCompressor names;
    EXPECT_FALSE(names.write(out, Name::parse("example.com.").value(), true));
    EXPECT_EQ(out.size(), 0u);
    core::WireWriter big;
    ASSERT_TRUE(names.write(big, Name::parse("com.").value(), true));
    names.forget_from(0);
    ASSERT_TRUE(names.write(big, Name::parse("com.").value(), true));
    EXPECT_EQ(big.size(), 10u);  // written twice in full
}
