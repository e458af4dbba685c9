// Bencode (BEP 3): canonical round trips, and every non-canonical or hostile input refused with its
// own error, limits tested at limit - 1, limit and limit + 1.
#include <gtest/gtest.h>

#include "torrent/bencode.hpp"

namespace layer7::torrent {
namespace {

BencodeError error_of(std::string_view in, const BencodeLimits& limits = {})
{
    auto v = decode(in, limits);
    EXPECT_FALSE(v.ok()) << in;
    return v.ok() ? BencodeError::truncated : v.error();
}

TEST(Bencode, Integers)
{
    EXPECT_EQ(*decode("i0e")->integer(), 0);
    EXPECT_EQ(*decode("i-42e")->integer(), -42);
    EXPECT_EQ(*decode("i9223372036854775807e")->integer(), INT64_MAX);
    EXPECT_EQ(*decode("i-9223372036854775808e")->integer(), INT64_MIN);
    EXPECT_EQ(error_of("i9223372036854775808e"), BencodeError::integer_overflow);
    EXPECT_EQ(error_of("i-9223372036854775809e"), BencodeError::integer_overflow);
    EXPECT_EQ(error_of("i03e"), BencodeError::non_canonical_integer);
    EXPECT_EQ(error_of("i-0e"), BencodeError::non_canonical_integer);
    EXPECT_EQ(error_of("i-e"), BencodeError::bad_integer);
    EXPECT_EQ(error_of("ie"), BencodeError::bad_integer);
    EXPECT_EQ(error_of("i+1e"), BencodeError::bad_integer);
    EXPECT_EQ(error_of("i12"), BencodeError::truncated);
}

TEST(Bencode, Strings)
{
    EXPECT_EQ(*decode("4:spam")->string(), "spam");
    EXPECT_EQ(*decode("0:")->string(), "");
    EXPECT_EQ(*decode(std::string_view("3:a\0b", 5))->string(), std::string("a\0b", 3));
    EXPECT_EQ(error_of("04:spam"), BencodeError::bad_length);
    EXPECT_EQ(error_of("4spam"), BencodeError::bad_length);
    EXPECT_EQ(error_of("5:spam"), BencodeError::truncated);
    EXPECT_EQ(error_of("4"), BencodeError::truncated);
}

TEST(Bencode, LengthBombIsRefusedBeforeAllocating)
{
    // 2^64 and beyond would wrap a naive accumulator; the length is compared with what is left.
    EXPECT_EQ(error_of("99999999999999999999999999:x"), BencodeError::truncated);
    BencodeLimits small{.max_string = 4};
    EXPECT_TRUE(decode("4:spam", small).ok());
    EXPECT_EQ(error_of("5:spams", small), BencodeError::string_too_long);
    EXPECT_TRUE(decode("3:spa", small).ok());
}

TEST(Bencode, ListsAndDictionaries)
{
    auto v = decode("d3:cow3:moo4:spaml1:a1:bee");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v->find("cow")->string(), "moo");
    ASSERT_EQ(v->find("spam")->list()->size(), 2u);
    EXPECT_EQ(v->find("nope"), nullptr);
    EXPECT_EQ(error_of("d3:cow3:moo3:abc1:xe"), BencodeError::unsorted_keys);
    EXPECT_EQ(error_of("d1:a1:x1:a1:ye"), BencodeError::duplicate_key);
    EXPECT_EQ(error_of("di1e1:xe"), BencodeError::key_not_string);
    EXPECT_EQ(error_of("l1:a"), BencodeError::truncated);
    EXPECT_EQ(error_of("d1:a"), BencodeError::truncated);
    EXPECT_EQ(error_of("le1:x"), BencodeError::trailing_bytes);
    EXPECT_EQ(error_of("x"), BencodeError::unexpected_byte);
    EXPECT_EQ(error_of(""), BencodeError::truncated);
}

TEST(Bencode, KeysCompareAsUnsignedBytes)
{
    // "\x80" sorts after "a" as a byte string, whatever char's signedness.
    EXPECT_TRUE(decode("d1:a0:1:\x80"
                       "0:e")
                    .ok());
    EXPECT_EQ(error_of("d1:\x80"
                       "0:1:a0:e"),
              BencodeError::unsorted_keys);
}

TEST(Bencode, DepthLimit)
{
    BencodeLimits limits{.max_depth = 3};
    EXPECT_TRUE(decode("llleee", limits).ok());
    EXPECT_EQ(error_of("lllleeee", limits), BencodeError::too_deep);
    // The default stops a deep bomb long before the stack would.
    EXPECT_EQ(error_of(std::string(100000, 'l')), BencodeError::too_deep);
}

TEST(Bencode, ValueCountLimit)
{
    BencodeLimits limits{.max_values = 3};
    EXPECT_TRUE(decode("li1ei2ee", limits).ok());
    EXPECT_EQ(error_of("li1ei2ei3ee", limits), BencodeError::too_many_values);
}

TEST(Bencode, EncodeIsCanonicalAndRoundTrips)
{
    for (std::string_view in : {"i-7e", "0:", "le", "de", "d1:ai1e1:bl0:i0eee", "l4:spamd0:0:ee"}) {
        auto v = decode(in);
        ASSERT_TRUE(v.ok()) << in;
        EXPECT_EQ(encode(*v), in);
    }
    // Keys given out of order are written sorted.
    Value d = Value::Dict{{"b", 2}, {"a", 1}};
    EXPECT_EQ(encode(d), "d1:ai1e1:bi2ee");
}

TEST(Bencode, PrefixReportsBytesUsed)
{
    std::size_t used = 0;
    auto v = decode_prefix("i5etail", used);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(used, 3u);
}

}  // namespace
}  // namespace layer7::torrent
