// Tests for http/client/decoded_body: gzip undone while pulled, in bounded pieces; truncated and
// corrupt streams and the output limit are errors.
#include "http/client/decoded_body.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <vector>

using namespace layer7;
using namespace layer7::http::client;

namespace {

std::string gzip(const std::string& data)
{
    z_stream s{};
    deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
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

// The coded bytes in pieces of `step`.
class Pieces final : public core::ByteSource {
public:
    Pieces(std::string bytes, std::size_t step) : bytes_(std::move(bytes)), step_(step) {}
    core::awaitable<std::error_code> next(std::string_view& chunk) override
    {
        chunk = std::string_view(bytes_).substr(std::min(pos_, bytes_.size()), step_);
        pos_ += chunk.size();
        co_return std::error_code{};
    }

private:
    std::string bytes_;
    std::size_t step_;
    std::size_t pos_ = 0;
};

struct Drained {
    std::string text;
    std::size_t largest = 0;
    std::error_code ec;
};

Drained drain(core::ByteSource& body)
{
    asio::io_context io;
    Drained d;
    asio::co_spawn(
        io,
        [&]() -> core::awaitable<void> {
            for (;;) {
                std::string_view piece;
                d.ec = co_await body.next(piece);
                if (d.ec || piece.empty())
                    co_return;
                d.largest = std::max(d.largest, piece.size());
                d.text.append(piece);
            }
        },
        asio::detached);
    io.run();
    return d;
}

}  // namespace

TEST(DecodedBody, GzipInPiecesOfEverySize)
{
    std::string text;
    for (int i = 0; i < 20000; ++i)
        text += "line " + std::to_string(i) + "\n";
    const std::string coded = gzip(text);
    for (std::size_t step : {1ul, 7ul, 4096ul, 100000ul}) {
        DecodedBody body(std::make_unique<Pieces>(coded, step), Coding::gzip, 1u << 20);
        const Drained d = drain(body);
        EXPECT_FALSE(d.ec) << step;
        EXPECT_TRUE(d.text == text) << step;
    }
}

TEST(DecodedBody, PiecesStayBoundedForAHighlyCompressedBody)
{
    const std::string zeros(64u << 20, '\0');
    DecodedBody body(std::make_unique<Pieces>(gzip(zeros), 1u << 20), Coding::gzip, 128u << 20);
    const Drained d = drain(body);
    EXPECT_FALSE(d.ec);
    EXPECT_EQ(d.text.size(), zeros.size());
    EXPECT_LE(d.largest, 8u << 20);  // a 1 MiB coded piece is fed 4 KiB at a time
}

TEST(DecodedBody, TruncatedCorruptAndTooLarge)
{
    const std::string text(100000, 'x');
    const std::string coded = gzip(text);
    DecodedBody truncated(std::make_unique<Pieces>(coded.substr(0, coded.size() - 10), 100), Coding::gzip, 1u << 20);
    EXPECT_EQ(drain(truncated).ec, std::errc::illegal_byte_sequence);
    DecodedBody corrupt(std::make_unique<Pieces>("not gzip at all", 100), Coding::gzip, 1u << 20);
    EXPECT_EQ(drain(corrupt).ec, std::errc::illegal_byte_sequence);
    DecodedBody bomb(std::make_unique<Pieces>(coded, 100), Coding::gzip, 50000);
    EXPECT_EQ(drain(bomb).ec, std::errc::message_size);
    DecodedBody empty(std::make_unique<Pieces>("", 100), Coding::gzip, 1u << 20);
    const Drained e = drain(empty);
    EXPECT_FALSE(e.ec);
    EXPECT_TRUE(e.text.empty());
}
