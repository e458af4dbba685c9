// Base64: the RFC 4648 §10 test vectors and strict rejection of non-canonical text.
#include "core/bytes/base64.hpp"

#include <gtest/gtest.h>

using namespace layer7::core;

namespace {
std::string decode_string(std::string_view text)
{
    auto bytes = base64_decode(text);
    return bytes ? std::string(bytes->begin(), bytes->end()) : std::string("<fail>");
}
}  // namespace

TEST(Base64, Rfc4648Vectors)
{
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (auto [plain, encoded] : vectors) {
        EXPECT_EQ(base64_encode(std::string_view(plain)), encoded);
        EXPECT_EQ(decode_string(encoded), plain);
    }
}

TEST(Base64, AllByteValuesRoundTrip)
{
    std::vector<std::uint8_t> all;
    for (int i = 0; i < 256; ++i)
        all.push_back(static_cast<std::uint8_t>(i));
    EXPECT_EQ(base64_decode(base64_encode(all)), all);
}

TEST(Base64, RejectsNonCanonical)
{
    for (const char* bad :
         {"Zg", "Zg=", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "Z===", "====", "Zg==Zg==", "Zm-v", "Zm_v", "=Zm9"}) {
        EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
    }
}

TEST(Base64, LenientSkipsJunkAndLines)  // MIME bodies, RFC 2045 §6.8
{
    EXPECT_EQ(base64_decode_lenient("Zm9vYmFy"), "foobar");
    EXPECT_EQ(base64_decode_lenient("Zm9v\r\nYmFy\r\n"), "foobar");
    EXPECT_EQ(base64_decode_lenient("Zm 9v*YmE"), "fooba");
    EXPECT_EQ(base64_decode_lenient("Zg==garbage"), "f");
    EXPECT_EQ(base64_decode_lenient("Zm8"), "fo");
    EXPECT_EQ(base64_decode_lenient("Z"), "");  // a lone sextet carries no byte
    EXPECT_EQ(base64_decode_lenient(base64_encode(std::string_view("\0\xff\x80", 3))), std::string("\0\xff\x80", 3));
}
