// Tests for mail/message/encoded_word: RFC 2047 §8 examples, charsets, encoding limits (§2).
#include "mail/message/encoded_word.hpp"

#include <gtest/gtest.h>

namespace layer7::mail {
namespace {

TEST(EncodedWord, Rfc2047Section8Examples)
{
    EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?=)"), "(a)");
    EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
    EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
    EXPECT_EQ(decode_encoded_words("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"), "Keith Moore <moore@cs.utk.edu>");
    EXPECT_EQ(decode_encoded_words("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "Andr\xc3\xa9 Pirard");
    EXPECT_EQ(decode_encoded_words("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?="), "If you can read this yo");
}

TEST(EncodedWord, Utf8AndLanguageSuffix)
{
    EXPECT_EQ(decode_encoded_words("=?utf-8?b?w6k=?="), "\xc3\xa9");
    EXPECT_EQ(decode_encoded_words("=?UTF-8*fr?Q?=C3=A9t=C3=A9?="), "\xc3\xa9t\xc3\xa9");
}

TEST(EncodedWord, LeavesWhatItCannotDecode)
{
    EXPECT_EQ(decode_encoded_words("=?koi8-r?Q?a?= b"), "=?koi8-r?Q?a?= b");
    EXPECT_EQ(decode_encoded_words("=?utf-8?X?a?="), "=?utf-8?X?a?=");
    EXPECT_EQ(decode_encoded_words("=?utf-8?Q?a b?="), "=?utf-8?Q?a b?=");
    EXPECT_EQ(decode_encoded_words("=?utf-8?Q?open"), "=?utf-8?Q?open");
    EXPECT_EQ(decode_encoded_words("plain  text "), "plain  text ");
}

TEST(Charset, Latin1ToUtf8)
{
    EXPECT_EQ(charset_to_utf8("ISO-8859-1", "caf\xe9"), "caf\xc3\xa9");
    EXPECT_EQ(charset_to_utf8("us-ascii", "abc"), "abc");
    EXPECT_FALSE(charset_to_utf8("shift_jis", "abc"));
}

TEST(EncodeHeaderText, AsciiStaysAndFolds)
{
    EXPECT_EQ(encode_header_text("Hello world", 9), "Hello world");
    std::string words;
    for (int i = 0; i < 30; ++i)
        words += "word" + std::to_string(i) + " ";
    words.pop_back();
    const std::string folded = encode_header_text(words, 9);
    EXPECT_FALSE(needs_encoding(words));
    std::string unfolded;
    std::size_t start = 0, first = 9;
    for (;;) {
        const std::size_t end = folded.find("\r\n", start);
        const std::string line = folded.substr(start, end == std::string::npos ? end : end - start);
        EXPECT_LE(first + line.size(), 78u) << line;
        unfolded += line;
        first = 0;
        if (end == std::string::npos)
            break;
        start = end + 2;
    }
    EXPECT_EQ(unfolded, words);
}

TEST(EncodeHeaderText, NonAsciiWordsWithinLimits)
{
    std::string text;
    for (int i = 0; i < 40; ++i)
        text += "\xc3\xa9t\xc3\xa9 ";  // "été "
    const std::string encoded = encode_header_text(text, 9);
    std::size_t start = 0, first = 9;
    for (;;) {
        const std::size_t end = encoded.find("\r\n", start);
        const std::string line = encoded.substr(start, end == std::string::npos ? end : end - start);
        EXPECT_LE(first + line.size(), 76u) << line;
        first = 0;
        if (end == std::string::npos)
            break;
        start = end + 2;
    }
    EXPECT_EQ(decode_encoded_words(encoded), text);
}

TEST(EncodeHeaderText, ForcesEncodingForInjectionAndLookalikes)
{
    EXPECT_TRUE(needs_encoding("a\r\nBcc: x@y"));
    EXPECT_TRUE(needs_encoding("=?utf-8?q?x?="));
    EXPECT_TRUE(needs_encoding(" lead"));
    EXPECT_TRUE(needs_encoding(std::string(901, 'a')));
    EXPECT_FALSE(needs_encoding(std::string(900, 'a')));
    const std::string injected = encode_header_text("a\r\nBcc: x@y", 9);
    EXPECT_EQ(injected.find('\n'), std::string::npos);
    EXPECT_EQ(decode_encoded_words(injected), "a\r\nBcc: x@y");
    EXPECT_EQ(decode_encoded_words(encode_header_text("=?utf-8?q?x?=", 9)), "=?utf-8?q?x?=");
}

TEST(EncodeHeaderText, LongFieldNameFoldsFirst)
{
    const std::string encoded = encode_header_text("\xc3\xa9", 74);
    EXPECT_EQ(encoded.substr(0, 3), "\r\n ");
    EXPECT_EQ(decode_encoded_words(encoded.substr(3)), "\xc3\xa9");
}

}  // namespace
}  // namespace layer7::mail
