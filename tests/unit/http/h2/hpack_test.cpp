// HpackEncoder and the RFC 7541 tables: the Huffman code against Appendix C's examples, the bytes
// of what is indexed and what not, table size updates, and every block read back by nghttp2's
// inflater (HpackDecoder), which checks the indexes the encoder assumed.
#include "http/h2/hpack.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "http/h2/hpack_tables.hpp"

namespace layer7::http::h2 {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string hex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

std::string block(HpackEncoder& encoder, const Fields& fields)
{
    encoder.clear();
    for (const auto& [name, value] : fields)
        encoder.add(name, value);
    std::string out;
    encoder.encode(out);
    return out;
}

Fields decoded(HpackDecoder& decoder, std::string_view bytes)
{
    Fields got;
    const bool ok = decoder.decode(
        {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, true,
        [](void* context, std::string_view name, std::string_view value) {
            static_cast<Fields*>(context)->emplace_back(name, value);
        },
        &got);
    EXPECT_TRUE(ok) << hex(bytes);
    return got;
}

std::string huffman(std::string_view text)
{
    std::string out;
    hpack::append_huffman(text, out);
    EXPECT_EQ(out.size(), hpack::huffman_length(text));
    return out;
}

TEST(Hpack, HuffmanCodeMatchesAppendixC)
{
    EXPECT_EQ(hex(huffman("www.example.com")), "f1e3c2e5f23a6ba0ab90f4ff");  // C.4.1
    EXPECT_EQ(hex(huffman("no-cache")), "a8eb10649cbf");                     // C.4.2
    EXPECT_EQ(hex(huffman("custom-value")), "25a849e95bb8e8b4bf");           // C.4.3
    EXPECT_EQ(hex(huffman("302")), "6402");                                  // C.6.1
    EXPECT_EQ(hex(huffman("Mon, 21 Oct 2013 20:13:21 GMT")), "d07abe941054d444a8200595040b8166e082a62d1bff");
    EXPECT_EQ(hex(huffman("https://www.example.com")), "9d29ad171863c78f0b97c8e9ae82ae43d3");
    EXPECT_EQ(huffman(""), "");
    std::string all;  // every byte value, longest codes included
    for (int c = 0; c < 256; ++c)
        all.push_back(static_cast<char>(c));
    EXPECT_EQ(huffman(all).size(), hpack::huffman_length(all));
}

TEST(Hpack, StaticTableLookups)
{
    EXPECT_EQ(hpack::find_static(":status", "200").full, 8u);
    EXPECT_EQ(hpack::find_static(":status", "418").full, 0u);
    EXPECT_EQ(hpack::find_static(":status", "418").name, 8u);
    EXPECT_EQ(hpack::find_static("www-authenticate", "x").name, 61u);
    EXPECT_EQ(hpack::find_static("accept-encoding", "gzip, deflate").full, 16u);
    EXPECT_EQ(hpack::find_static("x-custom", "").name, 0u);
    EXPECT_EQ(hpack::static_entry(1).name, ":authority");
}

TEST(Hpack, ARepeatedResponseIsAllIndexes)
{
    HpackEncoder encoder;
    HpackDecoder decoder;
    const Fields response{{":status", "200"},
                          {"etag", "\"6b1454dd-400\""},
                          {"content-type", "application/octet-stream"},
                          {"server", "layer7"},
                          {"date", "Sun, 06 Dec 2026 03:41:44 GMT"},
                          {"content-length", "1024"}};
    const std::string first = block(encoder, response);
    EXPECT_EQ(decoded(decoder, first), response);
    // :status 200 from the static table; etag (static name 34) indexed with its value, Huffman-coded.
    EXPECT_EQ(hex(first.substr(0, 2)),
              "88"
              "62");
    const std::string second = block(encoder, response);
    EXPECT_EQ(decoded(decoder, second), response);
    // The four indexed fields from the dynamic table, newest (date) first at 62; content-length is
    // never indexed: name 28 as a literal without indexing, then "1024" Huffman-coded (3 bytes).
    EXPECT_EQ(hex(second),
              "88"
              "c1"
              "c0"
              "bf"
              "be"
              "0f0d"
              "83" +
                  hex(huffman("1024")));
}

TEST(Hpack, CredentialsAreNeverIndexed)
{
    HpackEncoder encoder;
    HpackDecoder decoder;
    const Fields fields{{"authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"}, {"cookie", "id=1"}};
    for (int i = 0; i < 2; ++i) {
        const std::string bytes = block(encoder, fields);
        EXPECT_EQ(decoded(decoder, bytes), fields);
        EXPECT_EQ(hex(bytes.substr(0, 2)), "1f08");  // never indexed, static name 23 (15 + 8)
    }
}

TEST(Hpack, AFieldTooLargeForTheTableIsNotIndexed)
{
    HpackEncoder encoder;
    HpackDecoder decoder;
    const Fields big{{"x-big", std::string(3100, 'a')}};
    for (int i = 0; i < 2; ++i) {
        const std::string bytes = block(encoder, big);
        EXPECT_EQ(decoded(decoder, bytes), big);
        EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x00);  // without indexing, literal name
    }
}

TEST(Hpack, TableSizeUpdates)
{
    HpackEncoder encoder;
    HpackDecoder decoder;
    const Fields fields{{"server", "layer7"}};
    EXPECT_EQ(decoded(decoder, block(encoder, fields)), fields);  // indexed at 62
    encoder.set_table_size(0);
    std::string bytes = block(encoder, fields);
    EXPECT_EQ(hex(bytes.substr(0, 2)), "200f");  // size 0, then a literal without indexing (name 54)
    EXPECT_EQ(decoded(decoder, bytes), fields);
    encoder.set_table_size(100);
    encoder.set_table_size(65536);  // above our limit: the table goes back to 4096
    bytes = block(encoder, fields);
    EXPECT_EQ(hex(bytes.substr(0, 5)),
              "3f45"
              "3fe11f");  // the lowest (100), then the final 4096 (§4.2)
    EXPECT_EQ(decoded(decoder, bytes), fields);
    EXPECT_EQ(hex(block(encoder, fields)), "be");
    encoder.set_table_size(4096);  // no change: nothing to say
    EXPECT_EQ(hex(block(encoder, fields)), "be");
}

TEST(Hpack, EvictionKeepsEncoderAndDecoderInStep)
{
    // Random fields from a small vocabulary, so that both hits and evictions happen, through a
    // table that shrinks and grows; nghttp2 reads every block back.
    std::mt19937 random(7);
    HpackEncoder encoder;
    HpackDecoder decoder;
    for (int round = 0; round < 400; ++round) {
        if (round % 50 == 25)
            encoder.set_table_size(static_cast<std::uint32_t>(random() % 5000));
        Fields fields;
        for (unsigned n = random() % 12; n > 0; --n) {
            const unsigned pick = random() % 64;
            fields.emplace_back(pick % 3 == 0 ? "etag" : "x-field-" + std::to_string(pick % 9),
                                std::string(pick * 7 % 300, static_cast<char>('a' + pick % 26)));
        }
        const std::string bytes = block(encoder, fields);
        ASSERT_EQ(decoded(decoder, bytes), fields) << "round " << round;
    }
}

}  // namespace
}  // namespace layer7::http::h2
