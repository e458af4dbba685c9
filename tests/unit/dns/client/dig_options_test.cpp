// dig's argument order and options: NAME TYPE @SERVER[:PORT] +flags -p --root-hints.
#include "dns/client/dig_options.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

namespace {
DigOptions parse(std::vector<std::string> args)
{
    auto r = parse_dig_args(args);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return r.ok() ? r.value() : DigOptions{};
}
std::string error(std::vector<std::string> args)
{
    auto r = parse_dig_args(args);
    return r.ok() ? "" : r.error();
}
}  // namespace

TEST(DigOptions, NameTypeServerInAnyOrder)
{
    auto o = parse({"www.crepes.fr", "MX", "@127.0.0.1:5300"});
    EXPECT_EQ(o.name, "www.crepes.fr");
    EXPECT_EQ(o.type, RrType::mx);
    EXPECT_EQ(o.server, "127.0.0.1");
    EXPECT_EQ(o.port, 5300);
    auto p = parse({"@::1", "aaaa", "-p", "53", "example.com"});
    EXPECT_EQ(p.server, "::1");
    EXPECT_EQ(p.port, 53);
    EXPECT_EQ(p.type, RrType::aaaa);
    EXPECT_EQ(p.name, "example.com");
    auto q = parse({"@[::1]:5300", "x."});
    EXPECT_EQ(q.server, "::1");
    EXPECT_EQ(q.port, 5300);
    EXPECT_EQ(q.type, RrType::a);
}

TEST(DigOptions, NoNameAsksTheRootForNs)
{
    auto o = parse({});
    EXPECT_EQ(o.name, ".");
    EXPECT_EQ(o.type, RrType::ns);
}

TEST(DigOptions, PlusFlags)
{
    auto o = parse({"x.", "+tcp", "+norec", "+bufsize=4096", "+time=2", "+tries=1", "+dnssec", "+short"});
    EXPECT_TRUE(o.tcp);
    EXPECT_FALSE(o.recurse);
    EXPECT_EQ(o.bufsize, 4096);
    EXPECT_EQ(o.timeout, std::chrono::seconds(2));
    EXPECT_EQ(o.tries, 1);
    EXPECT_TRUE(o.dnssec);
    EXPECT_TRUE(o.short_form);
    EXPECT_EQ(parse({"x.", "+retry=0"}).tries, 1);
    EXPECT_FALSE(parse({"x.", "+noedns"}).edns);
    EXPECT_TRUE(parse({"x.", "+vc"}).tcp);
}

TEST(DigOptions, TraceTurnsRecursionOffAndTakesHints)
{
    auto o = parse({"gaia.cs.umass.edu", "+trace", "--root-hints", "/tmp/hints"});
    EXPECT_TRUE(o.trace);
    EXPECT_FALSE(o.recurse);
    EXPECT_EQ(o.root_hints, "/tmp/hints");
    EXPECT_EQ(parse({"x.", "--root-hints=/h"}).root_hints, "/h");
}

TEST(DigOptions, Errors)
{
    EXPECT_NE(error({"x.", "+bogus"}), "");
    EXPECT_NE(error({"x.", "+bufsize=70000"}), "");
    EXPECT_NE(error({"x.", "+time=0"}), "");
    EXPECT_NE(error({"x.", "-p"}), "");
    EXPECT_NE(error({"x.", "-p", "0"}), "");
    EXPECT_NE(error({"x.", "@"}), "");
    EXPECT_NE(error({"x.", "@1.2.3.4:99999"}), "");
    EXPECT_NE(error({"x.", "y.", "z."}), "");
    EXPECT_NE(error({"x.", "-z"}), "");
    EXPECT_EQ(parse({"x.", "-p", "65535"}).port, 65535);
    EXPECT_EQ(parse({"x.", "-p", "1"}).port, 1);
}

TEST(DigOptions, CommandLineEcho)
{
    EXPECT_EQ(command_line({"a", "MX", "@b"}), "a MX @b");
}

// dig -x: PTR under in-addr.arpa (RFC 1035 §3.5) or ip6.arpa (RFC 3596 §2.5).
TEST(DigOptions, ReverseLookup)
{
    auto v4 = parse({"-x", "192.0.2.10", "@127.0.0.1"});
    EXPECT_EQ(v4.name, "10.2.0.192.in-addr.arpa.");
    EXPECT_EQ(v4.type, RrType::ptr);
    EXPECT_EQ(v4.server, "127.0.0.1");
    auto v6 = parse({"-x", "2001:db8::567:89ab"});
    EXPECT_EQ(v6.name, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
    EXPECT_EQ(v6.type, RrType::ptr);
    EXPECT_EQ(parse({"-x", "::1", "NS"}).type, RrType::ns);  // a type given after -x wins, as in dig
    EXPECT_NE(error({"-x", "www.crepes.fr"}), "");
    EXPECT_NE(error({"-x"}), "");
    EXPECT_EQ(reverse_name("1.2.3"), std::nullopt);
}

// RFC 5936 §4.2: AXFR goes over TCP without +tcp; IXFR too, as dig does.
TEST(DigOptions, ZoneTransfersUseTcp)
{
    EXPECT_TRUE(parse({"example.test", "AXFR", "@127.0.0.1"}).tcp);
    EXPECT_TRUE(parse({"-t", "ixfr", "example.test"}).tcp);
    EXPECT_FALSE(parse({"example.test", "SOA"}).tcp);
}
