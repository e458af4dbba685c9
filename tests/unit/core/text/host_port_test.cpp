#include "core/text/host_port.hpp"

#include <gtest/gtest.h>

namespace layer7::core {
namespace {

TEST(HostPort, ParsesV4V6AndNames)
{
    auto a = parse_host_port("127.0.0.1:8080");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 8080);
    auto b = parse_host_port("[::1]:53");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "::1");
    EXPECT_EQ(b->port, 53);
    auto c = parse_host_port("mail.crepes.fr:25");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->host, "mail.crepes.fr");
}

TEST(HostPort, RejectsMalformed)
{
    for (const char* bad :
         {"", ":80", "host:", "host:65536", "host:-1", "host:8x", "::1:53", "[::1", "[]:1", "[::1]x:1", "host"})
        EXPECT_FALSE(parse_host_port(bad)) << bad;
    EXPECT_EQ(parse_host_port("host:65535")->port, 65535);
}

TEST(HostPort, DefaultPort)
{
    auto a = parse_host_port("example.org", 25);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->port, 25);
    auto b = parse_host_port("[::1]", 53);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "::1");
}

TEST(HostPort, RoundTrip)
{
    EXPECT_EQ(to_string(*parse_host_port("[::1]:53")), "[::1]:53");
    EXPECT_EQ(to_string(*parse_host_port("127.0.0.1:1")), "127.0.0.1:1");
}

}  // namespace
}  // namespace layer7::core
