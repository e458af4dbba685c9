#include "http/websocket/deflate.hpp"

#include <gtest/gtest.h>

using namespace layer7::http::websocket;

TEST(WebSocketDeflate, NegotiatesTheFirstAcceptableOffer)
{
    auto d = negotiate_deflate("permessage-deflate; client_max_window_bits", {});
    ASSERT_TRUE(d);
    EXPECT_EQ(format_deflate(*d), "permessage-deflate");
    d = negotiate_deflate(
        "x-webkit-deflate-frame, permessage-deflate; server_no_context_takeover; "
        "client_no_context_takeover; server_max_window_bits=10",
        {});
    ASSERT_TRUE(d);
    EXPECT_EQ(format_deflate(*d),
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10");
    d = negotiate_deflate("permessage-deflate; client_max_window_bits=\"12\"", {});
    ASSERT_TRUE(d);
    EXPECT_EQ(d->client_max_window_bits, 12);
}

TEST(WebSocketDeflate, DeclinesBadOrUnsupportedOffers)
{
    for (std::string_view offer :
         {"permessage-deflate; server_max_window_bits", "permessage-deflate; server_max_window_bits=16",
          "permessage-deflate; server_max_window_bits=010", "permessage-deflate; foo",
          "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
          "permessage-deflate; server_no_context_takeover=1", "permessage-deflate; server_max_window_bits=8",
          "deflate-frame"})
        EXPECT_FALSE(negotiate_deflate(offer, {})) << offer;
    // A declined offer falls back to the next one.
    auto d = negotiate_deflate("permessage-deflate; server_max_window_bits=8, permessage-deflate", {});
    ASSERT_TRUE(d);
    EXPECT_EQ(d->server_max_window_bits, 15);
    EXPECT_FALSE(
        negotiate_deflate("permessage-deflate", DeflatePolicy{.enabled = false, .server_no_context_takeover = false}));
    EXPECT_TRUE(
        negotiate_deflate("permessage-deflate", DeflatePolicy{.enabled = true, .server_no_context_takeover = true})
            ->server_no_context_takeover);
}

TEST(WebSocketDeflate, ClientChecksTheAnswer)
{
    auto ok = accept_deflate_answer("permessage-deflate; client_no_context_takeover");
    ASSERT_TRUE(ok);
    ASSERT_TRUE(ok.value());
    EXPECT_TRUE(ok.value()->client_no_context_takeover);
    auto none = accept_deflate_answer("");
    ASSERT_TRUE(none);
    EXPECT_FALSE(none.value());
    EXPECT_FALSE(accept_deflate_answer("x-unknown"));
    EXPECT_FALSE(accept_deflate_answer("permessage-deflate, permessage-deflate"));
    EXPECT_FALSE(accept_deflate_answer("permessage-deflate; client_max_window_bits"));  // needs a value
}

TEST(WebSocketDeflate, RoundTripsWithAndWithoutContextTakeover)
{
    for (bool reset : {false, true}) {
        Deflater d(15, reset);
        Inflater i(reset);
        for (int n = 0; n < 3; ++n) {
            const std::string message = "Hello, hello, hello, WebSocket " + std::to_string(n);
            std::string wire, back;
            d.compress(message, wire);
            EXPECT_NE(std::string_view(wire).substr(wire.size() - 4), std::string_view("\x00\x00\xff\xff", 4));
            ASSERT_EQ(i.inflate(wire, back, 1 << 20), InflateStatus::ok);
            ASSERT_EQ(i.finish(back, 1 << 20), InflateStatus::ok);
            EXPECT_EQ(back, message);
        }
    }
}

TEST(WebSocketDeflate, Rfc7692Example)
{
    // §7.2.3.1: "Hello" compressed.
    Inflater i(false);
    std::string out;
    ASSERT_EQ(i.inflate(std::string_view("\xf2\x48\xcd\xc9\xc9\x07\x00", 7), out, 100), InflateStatus::ok);
    ASSERT_EQ(i.finish(out, 100), InflateStatus::ok);
    EXPECT_EQ(out, "Hello");
}

TEST(WebSocketDeflate, InflatedSizeIsCapped)
{
    Deflater d(15, false);
    const std::string big(1 << 20, 'a');  // 1 MiB of 'a' deflates to about a kilobyte
    std::string wire;
    d.compress(big, wire);
    ASSERT_LT(wire.size(), 4096u);
    for (std::size_t limit : {big.size() - 1, big.size(), big.size() + 1}) {
        Inflater i(false);
        std::string out;
        InflateStatus s = i.inflate(wire, out, limit);
        if (s == InflateStatus::ok)
            s = i.finish(out, limit);
        EXPECT_EQ(s, limit < big.size() ? InflateStatus::too_big : InflateStatus::ok) << limit;
        EXPECT_LE(out.size(), limit);
    }
}

TEST(WebSocketDeflate, GarbageIsBadData)
{
    Inflater i(false);
    std::string out;
    EXPECT_EQ(i.inflate(std::string_view("\xff\xff\xff\xff", 4), out, 100), InflateStatus::bad_data);
}
