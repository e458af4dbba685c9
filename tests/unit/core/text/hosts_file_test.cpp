// The hosts file (hosts(5)): parsing, lookups both ways, bad lines, limits.
#include "core/text/hosts_file.hpp"

#include <gtest/gtest.h>

namespace layer7::core {
namespace {

using Strings = std::vector<std::string>;

TEST(HostsFile, DebianDefault)
{
    const auto parsed = parse_hosts(
        "127.0.0.1\tlocalhost\n127.0.1.1\tbox.example.org\tbox\n\n"
        "# The following lines are desirable for IPv6 capable hosts\n"
        "::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\n");
    EXPECT_TRUE(parsed.bad_lines.empty());
    ASSERT_EQ(parsed.entries.size(), 4u);
    const HostsTable table(parsed.entries);
    EXPECT_EQ(table.addresses("localhost"), (Strings{"127.0.0.1", "::1"}));
    EXPECT_EQ(table.addresses("BOX"), (Strings{"127.0.1.1"}));
    EXPECT_EQ(table.addresses("box.example.org."), (Strings{"127.0.1.1"}));
    EXPECT_TRUE(table.addresses("example.org").empty());
    EXPECT_EQ(table.name_of("127.0.1.1"), "box.example.org");  // the canonical name, for PTR
    EXPECT_EQ(table.name_of("::1"), "localhost");
    EXPECT_EQ(table.name_of("10.0.0.1"), "");
}

TEST(HostsFile, CommentsCrlfAndTrailingDots)
{
    const auto parsed = parse_hosts("10.0.0.1 www.crepes.fr. www # the cafe\r\n   \t\n#10.0.0.2 gone\n");
    ASSERT_EQ(parsed.entries.size(), 1u);
    EXPECT_EQ(parsed.entries[0].names, (Strings{"www.crepes.fr", "www"}));
    EXPECT_TRUE(parsed.bad_lines.empty());
}

TEST(HostsFile, BadLinesAreReportedAndSkipped)
{
    const auto parsed = parse_hosts(
        "not-an-address name\n10.0.0.1\n10.0.0.2 bad..name good\n10.0.0.3 -ok- a_b\n"
        "10.0.0.4 " +
        std::string(64, 'x') + "\nzz::1 host\n");
    EXPECT_EQ(parsed.bad_lines, (std::vector<std::size_t>{1, 2, 3, 5, 6}));
    const HostsTable table(parsed.entries);
    EXPECT_EQ(table.addresses("good"), (Strings{"10.0.0.2"}));  // the valid names of a line still count
    EXPECT_EQ(table.addresses("a_b"), (Strings{"10.0.0.3"}));
    EXPECT_TRUE(table.addresses("bad..name").empty());
}

TEST(HostsFile, Limits)
{
    const std::string line = "10.0.0.1 " + std::string(45, 'a') + "." + std::string(45, 'a');  // 100 bytes
    EXPECT_EQ(parse_hosts(line + "\n", {.max_line = 100}).entries.size(), 1u);
    EXPECT_EQ(parse_hosts(line + "a\n", {.max_line = 100}).bad_lines, (std::vector<std::size_t>{1}));
    const auto parsed = parse_hosts("10.0.0.1 a\n10.0.0.2 b\n10.0.0.3 c\n", {.max_entries = 2});
    EXPECT_EQ(parsed.entries.size(), 2u);
    EXPECT_TRUE(parsed.truncated);
    EXPECT_FALSE(parse_hosts("10.0.0.1 a\n10.0.0.2 b\n", {.max_entries = 2}).truncated);
}

}  // namespace
}  // namespace layer7::core
