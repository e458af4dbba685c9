// ResolutionMachine over a fake tree: referrals with glue, caching, CNAMEs within and across
// zones, out-of-bailiwick NS, negative answers, lame servers, timeouts and every bound.
#include "dns/resolver/resolution_machine.hpp"

#include <gtest/gtest.h>

#include "fake_network.hpp"

using namespace layer7::dns;
using namespace layer7::dns::resolver;
using fake::lines;
using fake::n;

namespace {

class Machine : public ::testing::Test {
protected:
    fake::Network net;
    Cache cache;
    Instant t0{};
    Step resolve(std::string_view name, RrType type, Instant now) { return net.resolve(cache, name, type, now); }
};

}  // namespace

TEST_F(Machine, FollowsReferralsFromTheRoot)
{
    Step s = resolve("www.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(s.outcome.rcode, Rcode::no_error);
    EXPECT_EQ(lines(s.outcome.answers),
              (std::vector<std::string>{"www.networkutopia.com.\t3600\tIN\tA\t212.212.212.80"}));
    EXPECT_FALSE(s.outcome.from_cache);
    // Root, com, networkutopia.com: one query each (the textbook's iterated-query figure).
    EXPECT_EQ(net.queries["10.0.0.1:53"], 1);
    EXPECT_EQ(net.queries["10.0.0.2:53"], 1);
    EXPECT_EQ(net.queries["10.0.0.4:53"], 1);
}

TEST_F(Machine, RepeatedQueryIsAnsweredFromCacheWithTtlCounting)
{
    resolve("www.networkutopia.com.", RrType::a, t0);
    const int before = net.total();
    Step s = resolve("www.networkutopia.com.", RrType::a, t0 + std::chrono::seconds(100));
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_TRUE(s.outcome.from_cache);
    EXPECT_EQ(net.total(), before);
    EXPECT_EQ(s.outcome.answers.at(0).ttl, 3500u);
}

TEST_F(Machine, ExpiredEntryIsAskedAgainFromTheClosestCut)
{
    resolve("short.networkutopia.com.", RrType::a, t0);
    EXPECT_EQ(net.queries["10.0.0.4:53"], 1);
    Step s = resolve("short.networkutopia.com.", RrType::a, t0 + std::chrono::seconds(1));
    EXPECT_TRUE(s.outcome.from_cache);
    s = resolve("short.networkutopia.com.", RrType::a, t0 + std::chrono::seconds(3));
    EXPECT_FALSE(s.outcome.from_cache);
    EXPECT_EQ(net.queries["10.0.0.4:53"], 2);
    EXPECT_EQ(net.queries["10.0.0.1:53"], 1);  // the NS set is still cached: no root query
}

TEST_F(Machine, SiblingNameUsesCachedDelegation)
{
    resolve("www.networkutopia.com.", RrType::a, t0);
    resolve("ftp.networkutopia.com.", RrType::a, t0);
    EXPECT_EQ(net.queries["10.0.0.1:53"], 1);
    EXPECT_EQ(net.queries["10.0.0.4:53"], 2);
}

TEST_F(Machine, CnameInsideOneZone)
{
    Step s = resolve("ftp.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(lines(s.outcome.answers),
              (std::vector<std::string>{"ftp.networkutopia.com.\t3600\tIN\tCNAME\twww.networkutopia.com.",
                                        "www.networkutopia.com.\t3600\tIN\tA\t212.212.212.80"}));
}

TEST_F(Machine, CnameAcrossZonesIsChased)
{
    Step s = resolve("alias.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(lines(s.outcome.answers),
              (std::vector<std::string>{"alias.networkutopia.com.\t3600\tIN\tCNAME\twww.umass.edu.",
                                        "www.umass.edu.\t3600\tIN\tA\t128.119.245.12"}));
    // Then the whole chain comes from the cache.
    const int before = net.total();
    s = resolve("alias.networkutopia.com.", RrType::a, t0);
    EXPECT_TRUE(s.outcome.from_cache);
    EXPECT_EQ(s.outcome.answers.size(), 2u);
    EXPECT_EQ(net.total(), before);
}

TEST_F(Machine, OutOfBailiwickNameServerIsResolvedFirst)
{
    Step s = resolve("www.oob.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(lines(s.outcome.answers), (std::vector<std::string>{"www.oob.com.\t3600\tIN\tA\t10.9.9.9"}));
    EXPECT_EQ(net.queries["10.0.0.3:53"], 1);  // edu., for ns.umass.edu
    EXPECT_EQ(net.queries["10.0.0.5:53"], 2);  // ns.umass.edu A, then www.oob.com A
}

TEST_F(Machine, NxDomainIsCachedForTheSoaMinimum)
{
    Step s = resolve("nope.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(s.outcome.rcode, Rcode::nx_domain);
    ASSERT_EQ(s.outcome.authority.size(), 1u);
    EXPECT_EQ(s.outcome.authority[0].type, RrType::soa);
    const int before = net.total();
    // NXDOMAIN covers every type (RFC 2308 §5).
    s = resolve("nope.networkutopia.com.", RrType::mx, t0 + std::chrono::seconds(299));
    EXPECT_EQ(s.outcome.rcode, Rcode::nx_domain);
    EXPECT_TRUE(s.outcome.from_cache);
    EXPECT_EQ(s.outcome.authority.at(0).ttl, 1u);
    EXPECT_EQ(net.total(), before);
    s = resolve("nope.networkutopia.com.", RrType::a, t0 + std::chrono::seconds(300));
    EXPECT_FALSE(s.outcome.from_cache);
    EXPECT_EQ(net.total(), before + 1);
}

TEST_F(Machine, NoDataIsCachedPerType)
{
    Step s = resolve("www.networkutopia.com.", RrType::mx, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(s.outcome.rcode, Rcode::no_error);
    EXPECT_TRUE(s.outcome.answers.empty());
    ASSERT_EQ(s.outcome.authority.size(), 1u);
    const int before = net.total();
    s = resolve("www.networkutopia.com.", RrType::mx, t0);
    EXPECT_TRUE(s.outcome.from_cache);
    EXPECT_TRUE(s.outcome.answers.empty());
    s = resolve("www.networkutopia.com.", RrType::a, t0);  // another type is still asked
    EXPECT_FALSE(s.outcome.answers.empty());
    EXPECT_EQ(net.total(), before + 1);
}

TEST_F(Machine, CnameLoopHitsTheChainBound)
{
    Step s = resolve("loop1.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::fail);
    EXPECT_EQ(s.error, ResolveError::cname_chain_too_long);
}

TEST_F(Machine, ReferralBound)
{
    net.config.limits.max_referrals = 1;
    EXPECT_EQ(resolve("www.networkutopia.com.", RrType::a, t0).error, ResolveError::too_many_referrals);
    net.config.limits.max_referrals = 2;
    EXPECT_EQ(resolve("www.networkutopia.com.", RrType::a, t0).kind, Step::Kind::done);
}

TEST_F(Machine, UpstreamQueryBound)
{
    net.config.limits.max_upstream_queries = 2;
    EXPECT_EQ(resolve("www.networkutopia.com.", RrType::a, t0).error, ResolveError::too_many_queries);
    cache.clear();
    net.config.limits.max_upstream_queries = 3;
    EXPECT_EQ(resolve("www.networkutopia.com.", RrType::a, t0).kind, Step::Kind::done);
}

TEST_F(Machine, SubResolutionDepthBound)
{
    net.config.limits.max_frames = 1;  // no NS-address lookups at all
    EXPECT_EQ(resolve("www.oob.com.", RrType::a, t0).error, ResolveError::no_servers);
}

TEST_F(Machine, TimeoutsMoveToTheNextServerThenFail)
{
    net.config.root.servers = {fake::addr("10.0.0.99"), fake::addr("10.0.0.1")};
    Step s = resolve("www.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(net.queries["10.0.0.99:53"], 2);  // tries_per_server, always offered first here

    cache.clear();
    net.config.root.servers = {fake::addr("10.0.0.99")};
    s = resolve("www.crepes.fr.", RrType::a, t0);
    EXPECT_EQ(s.kind, Step::Kind::fail);
    EXPECT_EQ(s.error, ResolveError::servers_failed);
}

TEST_F(Machine, LameServerIsSkipped)
{
    // 10.0.0.6 serves nothing: answer() says REFUSED for the root zone.
    net.servers[fake::addr("10.0.0.6").to_text()];
    net.config.root.servers = {fake::addr("10.0.0.6"), fake::addr("10.0.0.1")};
    Step s = resolve("www.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(net.queries["10.0.0.6:53"], 1);
}

TEST_F(Machine, StubZoneIsAskedDirectly)
{
    net.config.stubs.push_back({n("networkutopia.com."), {fake::addr("10.0.0.4")}});
    Step s = resolve("www.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(net.total(), 1);
}

TEST_F(Machine, OutOfBailiwickRecordsAreNotCached)
{
    ResolutionMachine m(Question{n("www.networkutopia.com."), RrType::a, RrClass::in}, cache, net.config);
    Step s = m.start(t0);
    ASSERT_EQ(s.kind, Step::Kind::send);
    // The com server's referral, with poison for edu. added: an address for www.umass.edu and
    // a new NS set for edu. Neither is com's to give.
    auto root_reply = *net.ask(s.servers.front(), s.question);
    s = m.on_response(root_reply, s.servers.front(), t0);
    ASSERT_EQ(s.kind, Step::Kind::send);
    EXPECT_EQ(s.zone, n("com."));
    Message forged = *net.ask(s.servers.front(), s.question);
    forged.additional.push_back({n("www.umass.edu."), RrType::a, RrClass::in, 86400, A{{6, 6, 6, 6}}});
    forged.authority.push_back({n("edu."), RrType::ns, RrClass::in, 86400, Ns{n("evil.com.")}});
    s = m.on_response(forged, s.servers.front(), t0);
    EXPECT_EQ(m.last_dropped(), 2u);
    EXPECT_FALSE(cache.find(n("www.umass.edu."), RrType::a, t0));
    EXPECT_FALSE(cache.find(n("edu."), RrType::ns, t0));
}

TEST_F(Machine, MetaQuestionsAreRefused)
{
    EXPECT_EQ(resolve("networkutopia.com.", RrType::axfr, t0).error, ResolveError::bad_question);
    ResolutionMachine m(Question{n("x."), RrType::a, RrClass::ch}, cache, net.config);
    EXPECT_EQ(m.start(t0).error, ResolveError::bad_question);
}

TEST_F(Machine, NsHostInsideItsOwnZoneWithoutGlueGoesUpOneCut)
{
    // The glue for dns1.networkutopia.com has expired, the NS set has not: the machine must ask com.
    Step s = resolve("www.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    std::vector<Record> ns{{n("networkutopia.com."), RrType::ns, RrClass::in, 90000, Ns{n("dns1.networkutopia.com.")}}};
    Cache fresh;
    fresh.insert(ns, Trust::authority, t0);
    const int before = net.queries["10.0.0.2:53"];
    s = net.resolve(fresh, "www.networkutopia.com.", RrType::a, t0);
    ASSERT_EQ(s.kind, Step::Kind::done);
    EXPECT_EQ(net.queries["10.0.0.2:53"], before + 1);
}
