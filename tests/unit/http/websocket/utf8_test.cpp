#include "http/websocket/utf8.hpp"

#include <gtest/gtest.h>

using namespace layer7::http::websocket;

TEST(WebSocketUtf8, AcceptsValidText)
{
    for (std::string_view s :
         {"", "hello", "\xc2\x80", "\xed\x9f\xbf", "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
          "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!"})
        EXPECT_TRUE(is_valid_utf8(s)) << s;
}

TEST(WebSocketUtf8, RejectsOverlongSurrogatesAndOutOfRange)
{
    for (std::string_view s :
         {"\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80",
          "\xf5\x80\x80\x80", "\xff", "\x80", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"})
        EXPECT_FALSE(is_valid_utf8(s));
}

TEST(WebSocketUtf8, AnUnfinishedSequenceIsNotComplete)
{
    Utf8Validator v;
    EXPECT_TRUE(v.feed("ab\xe2\x82"));
    EXPECT_FALSE(v.complete());
    EXPECT_TRUE(v.feed("\xac"));  // the euro sign, split across two pieces
    EXPECT_TRUE(v.complete());
}

TEST(WebSocketUtf8, FailsAtTheFirstBadByteNotAtTheEnd)
{
    Utf8Validator v;
    EXPECT_TRUE(v.feed("\xf4"));
    EXPECT_FALSE(v.feed("\x90"));  // > U+10FFFF is known at the second byte
    EXPECT_TRUE(v.failed());
    EXPECT_FALSE(v.feed("a"));  // sticky
}

TEST(WebSocketUtf8, EveryByteSplitAgreesWithWhole)
{
    const std::string s = "abcdefgh\xf0\x9f\x98\x80ijklmnopqrstuvwx\xe2\x82\xac\xc3\xa9z";
    for (std::size_t cut = 0; cut <= s.size(); ++cut) {
        Utf8Validator v;
        EXPECT_TRUE(v.feed(s.substr(0, cut)));
        EXPECT_TRUE(v.feed(s.substr(cut)));
        EXPECT_TRUE(v.complete());
    }
}
