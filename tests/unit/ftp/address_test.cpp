// PORT/EPRT/PASV/EPSV codecs and IP literals (RFC 959 §4.1.2, RFC 2428 examples, RFC 5952 text).
#include <gtest/gtest.h>

#include "ftp/address.hpp"

namespace layer7::ftp {
namespace {

TEST(FtpAddress, ParsesAndPrintsIpv4)
{
    auto a = parse_ip("132.235.1.2");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->is_v4());
    EXPECT_EQ(to_string(*a), "132.235.1.2");
    EXPECT_EQ(parse_ip("::ffff:132.235.1.2"), a);  // a mapped address is the same host
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 ", "0001.2.3.4"})
        EXPECT_FALSE(parse_ip(bad)) << bad;
}

TEST(FtpAddress, ParsesAndPrintsIpv6)
{
    auto a = parse_ip("1080::8:800:200C:417A");
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->is_v4());
    EXPECT_EQ(to_string(*a), "1080::8:800:200c:417a");
    EXPECT_EQ(to_string(*parse_ip("::1")), "::1");
    EXPECT_EQ(to_string(*parse_ip("2001:db8:0:0:1:0:0:1")), "2001:db8::1:0:0:1");     // RFC 5952 §4.2.3
    EXPECT_EQ(to_string(*parse_ip("2001:db8:0:1:1:1:1:1")), "2001:db8:0:1:1:1:1:1");  // §4.2.2: one 0 stays
    for (const char* bad : {":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "1:2:3:4:5:6:7"})
        EXPECT_FALSE(parse_ip(bad)) << bad;
}

TEST(FtpAddress, PortArgument)
{
    auto hp = parse_port_argument("132,235,1,2,24,131");
    ASSERT_TRUE(hp);
    EXPECT_EQ(to_string(hp->address), "132.235.1.2");
    EXPECT_EQ(hp->port, 24 * 256 + 131);
    EXPECT_EQ(format_port_argument(*hp), "132,235,1,2,24,131");
    for (const char* bad : {"", "1,2,3,4,5", "1,2,3,4,5,6,7", "1,2,3,256,0,1", "1,2,3,4,0,0", "1,2,3,4,a,1"})
        EXPECT_FALSE(parse_port_argument(bad)) << bad;
}

TEST(FtpAddress, EprtRfc2428Examples)
{
    auto v4 = parse_eprt_argument("|1|132.235.1.2|6275|");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->port, 6275);
    EXPECT_EQ(format_eprt_argument(*v4), "|1|132.235.1.2|6275|");
    auto v6 = parse_eprt_argument("|2|1080::8:800:200C:417A|5282|");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->port, 5282);
    EXPECT_TRUE(parse_eprt_argument("!1!132.235.1.2!6275!"));  // any delimiter in 33..126
    EprtError error = EprtError::syntax;
    EXPECT_FALSE(parse_eprt_argument("|3|132.235.1.2|6275|", &error));
    EXPECT_EQ(error, EprtError::unsupported_protocol);
    for (const char* bad : {"", "|1|132.235.1.2|6275", "|1|::1|6275|", "|2|1.2.3.4|1|", "|1|1.2.3.4|0|",
                            "|1|1.2.3.4|65536|", " 1 1.2.3.4 5 "})
        EXPECT_FALSE(parse_eprt_argument(bad)) << bad;
}

TEST(FtpAddress, PassiveReplies)
{
    const HostPortAddress hp{*parse_ip("127.0.0.1"), 50000};
    EXPECT_EQ(pasv_reply_text(hp), "Entering Passive Mode (127,0,0,1,195,80).");
    EXPECT_EQ(parse_pasv_reply(pasv_reply_text(hp)), hp);
    EXPECT_EQ(parse_pasv_reply("Entering Passive Mode 127,0,0,1,195,80"), hp);  // RFC 1123 §4.1.2.6
    EXPECT_EQ(epsv_reply_text(6446), "Entering Extended Passive Mode (|||6446|)");
    EXPECT_EQ(parse_epsv_reply("Entering Extended Passive Mode (|||6446|)"), 6446);
    EXPECT_FALSE(parse_epsv_reply("Entering Extended Passive Mode (|||0|)"));
    EXPECT_FALSE(parse_epsv_reply("Entering Extended Passive Mode (||6446|)"));
    EXPECT_FALSE(parse_epsv_reply("no parens"));
}

}  // namespace
}  // namespace layer7::ftp
