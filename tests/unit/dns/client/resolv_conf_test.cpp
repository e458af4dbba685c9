// /etc/resolv.conf: the first nameserver line, comments and other options skipped (resolv.conf(5)).
#include "dns/client/resolv_conf.hpp"

#include <sstream>

#include <gtest/gtest.h>

using namespace layer7::dns;

namespace {
std::optional<std::string> first(const std::string& text)
{
    std::istringstream in(text);
    return first_nameserver(in);
}
}  // namespace

TEST(ResolvConf, FirstNameserverWins)
{
    EXPECT_EQ(first("nameserver 192.0.2.53\nnameserver 192.0.2.54\n"), "192.0.2.53");
    EXPECT_EQ(first("search example.org\noptions ndots:2\n\tnameserver   2001:db8::53  # ours\n"), "2001:db8::53");
}

TEST(ResolvConf, CommentsAndEmptyLinesAreSkipped)
{
    EXPECT_EQ(first("# nameserver 192.0.2.1\n;nameserver 192.0.2.2\n#nameserver 192.0.2.3\n\nnameserver 192.0.2.4"),
              "192.0.2.4");
}

TEST(ResolvConf, NoneListed)
{
    EXPECT_EQ(first(""), std::nullopt);
    EXPECT_EQ(first("nameserver\nnameservers 192.0.2.1\n"), std::nullopt);
}
