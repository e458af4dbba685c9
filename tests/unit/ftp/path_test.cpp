// Virtual path resolution: '.'/'..', absolute and relative arguments, escapes and the length limit.
#include <gtest/gtest.h>

#include "ftp/path.hpp"

namespace layer7::ftp {
namespace {

TEST(FtpPath, Resolves)
{
    EXPECT_EQ(resolve_path("/", "pub"), "/pub");
    EXPECT_EQ(resolve_path("/pub", "a/b/"), "/pub/a/b");
    EXPECT_EQ(resolve_path("/pub", "/etc"), "/etc");  // absolute means the user's root
    EXPECT_EQ(resolve_path("/pub/a", ".."), "/pub");
    EXPECT_EQ(resolve_path("/pub", "./x//y/./../z"), "/pub/x/z");
    EXPECT_EQ(resolve_path("/pub", ""), "/pub");
    EXPECT_EQ(resolve_path("/pub", "a/.."), "/pub");
    EXPECT_EQ(resolve_path("/", "..."), "/...");  // a name, not a parent
}

TEST(FtpPath, RefusesEscapes)
{
    EXPECT_FALSE(resolve_path("/", ".."));
    EXPECT_FALSE(resolve_path("/pub", "../.."));
    EXPECT_FALSE(resolve_path("/pub", "/../etc/passwd"));
    EXPECT_FALSE(resolve_path("/pub", "a/../../../x"));
    EXPECT_FALSE(resolve_path("/", std::string_view("a\0b", 3)));
}

TEST(FtpPath, LengthLimitAtTheEdges)
{
    const std::size_t max = 64;
    EXPECT_TRUE(resolve_path("/", std::string(max - 2, 'a'), max));
    EXPECT_TRUE(resolve_path("/", std::string(max - 1, 'a'), max));  // "/" + 63 = 64
    EXPECT_FALSE(resolve_path("/", std::string(max, 'a'), max));
}

TEST(FtpPath, Helpers)
{
    EXPECT_EQ(to_relative("/a/b"), "a/b");
    EXPECT_EQ(to_relative("/"), "");
    EXPECT_EQ(base_name("/a/b"), "b");
    EXPECT_EQ(base_name("/"), "");
    EXPECT_EQ(parent_path("/a/b"), "/a");
    EXPECT_EQ(parent_path("/a"), "/");
    EXPECT_EQ(quote_path("/say \"hi\""), "\"/say \"\"hi\"\"\"");  // RFC 959 Appendix II
}

}  // namespace
}  // namespace layer7::ftp
