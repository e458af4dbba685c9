// Modified UTF-7 (RFC 3501 §5.1.3): the RFC's example, round trips, and every form the RFC
// forbids refused by the decoder.
#include "mail/store/modified_utf7.hpp"

#include <gtest/gtest.h>

namespace layer7::mail {
namespace {

std::string encode(std::string_view text)
{
    return encode_modified_utf7(text).value_or("<invalid>");
}

std::string decode(std::string_view name)
{
    return decode_modified_utf7(name).value_or("<invalid>");
}

TEST(ModifiedUtf7, TheRfcExample)
{
    EXPECT_EQ(encode("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    EXPECT_EQ(decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), "~peter/mail/台北/日本語");
}

TEST(ModifiedUtf7, AsciiAmpersandAndTheEdges)
{
    EXPECT_EQ(encode("Sent"), "Sent");
    EXPECT_EQ(encode(""), "");
    EXPECT_EQ(encode("R&D"), "R&-D");
    EXPECT_EQ(decode("R&-D"), "R&D");
    EXPECT_EQ(encode("Entwürfe"), "Entw&APw-rfe");
    EXPECT_EQ(encode("é"), "&AOk-");  // ends in US-ASCII: the '-' is written even at the end
    EXPECT_EQ(encode("é&"), "&AOk-&-");
    EXPECT_EQ(decode("&AOk-&-"), "é&");
    EXPECT_EQ(encode("😀"), "&2D3eAA-");  // a surrogate pair
    EXPECT_EQ(decode("&2D3eAA-"), "😀");
    EXPECT_EQ(encode("a\tb"), "a&AAk-b");  // control characters are shifted too
    EXPECT_EQ(decode("a&AAk-b"), "a\tb");
    EXPECT_EQ(encode("/,+"), "/,+");  // the base64 characters are plain outside a shift
}

TEST(ModifiedUtf7, RoundTrips)
{
    for (std::string_view text : {"Reçus", "Факты", "日本語 & more", "x😀y😀", "Projets.Été 2024", "~", "&&", "ÿ€"}) {
        const auto name = encode_modified_utf7(text);
        ASSERT_TRUE(name) << text;
        for (char c : *name)
            EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << *name;
        EXPECT_EQ(decode(*name), text) << *name;
    }
}

TEST(ModifiedUtf7, EncodeRefusesWhatIsNotUtf8)
{
    for (std::string_view bad : {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"})
        EXPECT_FALSE(encode_modified_utf7(bad)) << bad;
}

TEST(ModifiedUtf7, DecodeRefusesWhatTheRfcForbids)
{
    for (std::string_view bad : {
             "caf\xc3\xa9",  // raw bytes outside ASCII
             "a\tb",         // a raw control character
             "&AOk",         // unterminated
             "&AOk-&AOk-",   // "-&": a null shift
             "&AGE-",        // base64 for 'a', which must stand for itself
             "&AO-",         // 12 bits: a partial UTF-16 unit
             "&AOl-",        // stray bits that are not zero
             "&2D0-",        // a high surrogate alone
             "&3gA-",        // a low surrogate alone
             "&2D3YPQ-",     // two high surrogates
             "&AO!k-",       // not base64
             "&/wA-",        // '/' is ',' in modified base64
         })
        EXPECT_FALSE(decode_modified_utf7(bad)) << bad;
}

}  // namespace
}  // namespace layer7::mail
