// Tests for mail/message/transfer_encoding: base64 lines for MIME, RFC 2045 §6.7 quoted-printable.
#include "mail/message/transfer_encoding.hpp"

#include <gtest/gtest.h>

#include "core/bytes/base64.hpp"

namespace layer7::mail {
namespace {

TEST(Base64, LinesAreCrlfAnd76)
{
    const std::string data(100, '\xff');
    const std::string lines = base64_encode_lines(data);
    EXPECT_EQ(lines.find("\r\n"), 76u);
    EXPECT_EQ(lines.substr(lines.size() - 2), "\r\n");
    EXPECT_EQ(core::base64_decode_lenient(lines), data);
    EXPECT_EQ(base64_encode_lines(""), "");
}

TEST(QuotedPrintable, EncodesWhatItMust)
{
    EXPECT_EQ(qp_encode("a=b"), "a=3Db");
    EXPECT_EQ(qp_encode("caf\xc3\xa9"), "caf=C3=A9");
    EXPECT_EQ(qp_encode("end \r\nnext\t"), "end=20\r\nnext=09");
    EXPECT_EQ(qp_encode("bare\nlf"), "bare=0Alf");
}

TEST(QuotedPrintable, SoftBreaksAt76)
{
    const std::string line(200, 'x');
    const std::string encoded = qp_encode(line);
    std::size_t start = 0;
    while (start < encoded.size()) {
        std::size_t end = encoded.find("\r\n", start);
        if (end == std::string::npos)
            end = encoded.size();
        EXPECT_LE(end - start, 76u);
        start = end + 2;
    }
    EXPECT_EQ(qp_decode(encoded), line);
}

TEST(QuotedPrintable, Decodes)
{
    EXPECT_EQ(qp_decode("a=3Db=\r\nc\r\n"), "a=bc\r\n");
    EXPECT_EQ(qp_decode("trailing   \r\nx"), "trailing\r\nx");
    EXPECT_EQ(qp_decode("bad=ZZ=4"), "bad=ZZ=4");
    EXPECT_EQ(qp_decode("lower=c3=a9"), "lower\xc3\xa9");
    EXPECT_EQ(qp_decode("lf\nonly"), "lf\r\nonly");
}

TEST(QuotedPrintable, RoundTripsBinary)
{
    std::string all;
    for (int i = 0; i < 256; ++i)
        all.push_back(static_cast<char>(i));
    all += "\r\n \r\n\t\r\n";
    EXPECT_EQ(qp_decode(qp_encode(all)), all);
}

TEST(TransferEncoding, ByName)
{
    EXPECT_EQ(decode_transfer_encoding("BASE64", "Zm9v"), "foo");
    EXPECT_EQ(decode_transfer_encoding("Quoted-Printable", "a=3D"), "a=");
    EXPECT_EQ(decode_transfer_encoding("8bit", "a=3D"), "a=3D");
    EXPECT_EQ(decode_transfer_encoding("x-unknown", "raw"), "raw");
}

}  // namespace
}  // namespace layer7::mail
