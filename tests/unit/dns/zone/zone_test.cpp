// Zone lookups over the example zone of RFC 4592 §2.2.1, and ZoneSet's longest-suffix match.
#include "dns/zone/zone.hpp"

#include <gtest/gtest.h>

#include "dns/zone/zone_parser.hpp"

using namespace layer7::dns;

namespace {
Name n(std::string_view t)
{
    return Name::parse(t).value();
}

// RFC 4592 §2.2.1, with the elided SOA and SRV RDATA filled in.
const char* rfc4592_zone = R"($ORIGIN example.
example.                 3600 IN  SOA   ns.example.com. hostmaster.example. 1 3600 600 86400 300
example.                 3600     NS    ns.example.com.
example.                 3600     NS    ns.example.net.
*.example.               3600     TXT   "this is a wildcard"
*.example.               3600     MX    10 host1.example.
sub.*.example.           3600     TXT   "this is not a wildcard"
host1.example.           3600     A     192.0.2.1
_ssh._tcp.host1.example. 3600     SRV   0 0 22 host1.example.
_ssh._tcp.host2.example. 3600     SRV   0 0 22 host2.example.
subdel.example.          3600     NS    ns.example.com.
subdel.example.          3600     NS    ns.example.net.
)";

Zone rfc4592()
{
    auto z = parse_zone(rfc4592_zone, n("example."), "rfc4592");
    EXPECT_TRUE(z.ok()) << to_text(z.error());
    return std::move(z).value();
}
}  // namespace

TEST(Zone, ExistenceIncludesEmptyNonTerminals)
{
    Zone z = rfc4592();
    EXPECT_TRUE(z.exists(n("host1.example.")));
    EXPECT_TRUE(z.exists(n("_tcp.host1.example.")));  // empty non-terminal
    EXPECT_TRUE(z.exists(n("host2.example.")));       // ditto, RFC 4592 §2.2.2
    EXPECT_FALSE(z.exists(n("host3.example.")));
    EXPECT_TRUE(z.exists(n("*.example.")));
}

TEST(Zone, ClosestEncloserAndWildcardPerRfc4592)
{
    Zone z = rfc4592();
    // Synthesised: host3.example. and foo.bar.example. meet the wildcard at example.
    EXPECT_EQ(z.closest_encloser(n("host3.example.")), n("example."));
    EXPECT_TRUE(z.wildcard(n("example."))->find(RrType::mx));
    EXPECT_EQ(z.closest_encloser(n("foo.bar.example.")), n("example."));
    // Not synthesised: _telnet._tcp.host1.example. stops at _tcp.host1.example., which has no '*'.
    EXPECT_EQ(z.closest_encloser(n("_telnet._tcp.host1.example.")), n("_tcp.host1.example."));
    EXPECT_EQ(z.wildcard(n("_tcp.host1.example.")), nullptr);
    // ghost.*.example.: the encloser is *.example. itself; *.*.example. does not exist.
    EXPECT_EQ(z.closest_encloser(n("ghost.*.example.")), n("*.example."));
    EXPECT_EQ(z.wildcard(n("*.example.")), nullptr);
}

TEST(Zone, DelegationDetection)
{
    Zone z = rfc4592();
    EXPECT_EQ(z.delegation(n("example.")), nullptr);  // the apex NS is not a cut
    EXPECT_EQ(z.delegation(n("host1.example.")), nullptr);
    ASSERT_NE(z.delegation(n("host.subdel.example.")), nullptr);
    EXPECT_EQ(z.delegation(n("host.subdel.example."))->owner, n("subdel.example."));
    EXPECT_NE(z.delegation(n("subdel.example.")), nullptr);
}

TEST(Zone, LocateIsNodeAndExistsInOneSearch)
{
    Zone z = rfc4592();
    for (const char* text :
         {"example.", "host1.example.", "_tcp.host1.example.", "host2.example.", "host3.example.", "*.example.",
          "HOST1.Example.", "host.subdel.example.", "subdel.example.", "a.b.c.example."}) {
        SCOPED_TRACE(text);
        const Name name = n(text);
        const auto located = z.locate(name);
        EXPECT_EQ(located.node, z.node(name));
        EXPECT_EQ(located.exists, z.exists(name));
        EXPECT_EQ(z.delegation(name, located.node), z.delegation(name));
    }
}

TEST(Zone, RecordsSoaFirstThenCanonical)
{
    Zone z = rfc4592();
    auto all = z.records();
    ASSERT_EQ(all.size(), z.record_count());
    EXPECT_EQ(all.front().type, RrType::soa);
    std::vector<std::string> owners;
    for (auto& r : all)
        if (owners.empty() || owners.back() != r.owner.to_text())
            owners.push_back(r.owner.to_text());
    EXPECT_EQ(owners,
              (std::vector<std::string>{"example.", "*.example.", "sub.*.example.", "host1.example.",
                                        "_ssh._tcp.host1.example.", "_ssh._tcp.host2.example.", "subdel.example."}));
}

TEST(Zone, DuplicatesAreDroppedFirstTtlKept)
{
    Zone z(n("t."));
    Record r{n("a.t."), RrType::a, RrClass::in, 60, A{{1, 2, 3, 4}}};
    EXPECT_TRUE(z.add(r));
    EXPECT_FALSE(z.add(r));
    r.ttl = 99;
    r.data = A{{1, 2, 3, 5}};
    EXPECT_TRUE(z.add(r));
    EXPECT_EQ(z.find(n("a.t."), RrType::a)->ttl, 60u);
    EXPECT_EQ(z.record_count(), 2u);
}

TEST(ZoneSet, LongestSuffixMatch)
{
    ZoneSet set;
    EXPECT_TRUE(set.add(Zone(n("example."))));
    EXPECT_TRUE(set.add(Zone(n("sub.example."))));
    EXPECT_FALSE(set.add(Zone(n("EXAMPLE."))));
    EXPECT_EQ(set.find(n("a.b.sub.example."))->origin(), n("sub.example."));
    EXPECT_EQ(set.find(n("sub.example."))->origin(), n("sub.example."));
    EXPECT_EQ(set.find(n("other.example."))->origin(), n("example."));
    EXPECT_EQ(set.find(n("example.org.")), nullptr);
    EXPECT_EQ(set.find(n(".")), nullptr);
    ZoneSet root;
    root.add(Zone(Name()));
    EXPECT_NE(root.find(n("anything.")), nullptr);
}
