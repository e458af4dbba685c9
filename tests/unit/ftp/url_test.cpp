// ftp:// URLs (RFC 1738 §3.2): user, password, port, %-escapes, and what must be refused.
#include <gtest/gtest.h>

#include "ftp/url.hpp"

namespace layer7::ftp {
namespace {

TEST(FtpUrl, Full)
{
    auto u = parse_url("ftp://alice:s%3Acret@127.0.0.1:2121/pub/file%20name.txt");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->user, "alice");
    EXPECT_EQ(u->password, "s:cret");
    EXPECT_EQ(u->server.host, "127.0.0.1");
    EXPECT_EQ(u->server.port, 2121);
    EXPECT_EQ(u->path, "pub/file name.txt");
    EXPECT_FALSE(u->directory);
}

TEST(FtpUrl, DefaultsAndDirectories)
{
    auto u = parse_url("FTP://example.org");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->user, "anonymous");
    EXPECT_EQ(u->server.port, 21);
    EXPECT_EQ(u->path, "");
    EXPECT_TRUE(u->directory);
    auto d = parse_url("ftp://[::1]:21/pub/;type=d");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->server.host, "::1");
    EXPECT_EQ(d->path, "pub");
    EXPECT_TRUE(d->directory);
}

TEST(FtpUrl, Refuses)
{
    for (const char* bad : {"http://x/", "ftp://", "ftp://:21/", "ftp://h:0/", "ftp://h:99999/", "ftp://h/%zz",
                            "ftp://h/a%0d%0aDELE%20b", "ftp://h/%00", "ftp://@h/"})
        EXPECT_FALSE(parse_url(bad)) << bad;
}

}  // namespace
}  // namespace layer7::ftp
