// Tests for http/client/content_decoder: gzip and deflate (RFC 9110 §8.4.1), bombs, truncation.
#include "http/client/content_decoder.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

using namespace layer7::http::client;

namespace {

std::string compress(const std::string& data, int window_bits)
{
    z_stream s{};
    deflateInit2(&s, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&s, static_cast<uLong>(data.size())) + 32, '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = static_cast<uInt>(out.size());
    deflate(&s, Z_FINISH);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

}  // namespace

TEST(ContentDecoder, CodingNames)
{
    EXPECT_EQ(coding_of("gzip"), Coding::gzip);
    EXPECT_EQ(coding_of(" X-GZIP "), Coding::gzip);
    EXPECT_EQ(coding_of("deflate"), Coding::deflate);
    EXPECT_EQ(coding_of(""), Coding::identity);
    EXPECT_EQ(coding_of("br"), Coding::unknown);
    EXPECT_EQ(coding_of("gzip, br"), Coding::unknown);
}

TEST(ContentDecoder, GzipAndDeflateInPieces)
{
    const std::string text(100000, 'a');
    for (auto [coding, bits] : {std::pair{Coding::gzip, 16 + MAX_WBITS}, std::pair{Coding::deflate, MAX_WBITS}}) {
        const std::string packed = compress(text, bits);
        std::string whole;
        EXPECT_EQ(decode_content(coding, packed, whole), DecodeStatus::ok);
        EXPECT_EQ(whole, text);
        // Fed one byte at a time.
        ContentDecoder d(coding);
        std::string out;
        for (char c : packed)
            ASSERT_EQ(d.feed(std::string_view(&c, 1), out), DecodeStatus::ok);
        EXPECT_TRUE(d.finished());
        EXPECT_EQ(out, text);
    }
}

TEST(ContentDecoder, TruncatedCorruptAndTooLarge)
{
    const std::string packed = compress(std::string(100000, 'a'), 16 + MAX_WBITS);
    std::string out;
    EXPECT_EQ(decode_content(Coding::gzip, packed.substr(0, packed.size() - 4), out), DecodeStatus::corrupt);
    out.clear();
    EXPECT_EQ(decode_content(Coding::gzip, "not gzip at all", out), DecodeStatus::corrupt);
    out.clear();
    EXPECT_EQ(decode_content(Coding::gzip, packed, out, 99999), DecodeStatus::too_large);
    out.clear();
    EXPECT_EQ(decode_content(Coding::gzip, packed, out, 100000), DecodeStatus::ok);
}
